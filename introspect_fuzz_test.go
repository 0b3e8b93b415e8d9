package oauthkit

import (
	"net/http"
	"slices"
	"testing"
)

// FuzzIntrospectionResponse feeds arbitrary introspection answers to the
// parser: it must never panic, every error must carry the package prefix,
// and an accepted answer must be a 2xx one whose known members did not
// leak into Extra.
func FuzzIntrospectionResponse(f *testing.F) {
	f.Add(200, "application/json", `{"active":true,"scope":"a b","client_id":"c","exp":1700003600,"aud":["x","y"],"sub":"u"}`)
	f.Add(200, "application/json", `{"active":false}`)
	f.Add(200, "application/json", `{"active":"true","exp":"1700003600","nbf":1e308,"aud":"x"}`)
	f.Add(200, "application/x-www-form-urlencoded", `active=true&scope=a`)
	f.Add(200, "application/json", `{"scope":"no active"}`)
	f.Add(401, "application/json", `{"error":"invalid_client"}`)
	f.Add(503, "text/html", `<html>down</html>`)
	f.Add(200, "", `{"active":true,"aud":[1,{}],"exp":[]}`)
	known := []string{"active", "scope", "client_id", "username", "token_type", "exp", "iat", "nbf", "sub", "aud", "iss", "jti"}
	f.Fuzz(func(t *testing.T, status int, ct, body string) {
		r := &rawResponse{status: status, header: http.Header{"Content-Type": {ct}}, body: []byte(body)}
		in, err := introspectionFromResponse(r)
		if err != nil {
			if in != nil {
				t.Fatalf("introspection %v with error %v", in, err)
			}
			checkEndpointError(t, err)
			return
		}
		if status < 200 || status > 299 {
			t.Fatalf("status %d accepted: %v", status, in)
		}
		for k := range in.Extra {
			if slices.Contains(known, k) {
				t.Fatalf("known member %q in Extra", k)
			}
		}
		_ = in.String()
	})
}
