package oauthkit

import (
	"net/http"
	"testing"
)

// FuzzPushedAuthResponse feeds arbitrary pushed authorization responses
// to the parser: it must never panic, and what it accepts must carry a
// request_uri and a positive, bounded lifetime.
func FuzzPushedAuthResponse(f *testing.F) {
	f.Add(201, "application/json", `{"request_uri":"urn:ietf:params:oauth:request_uri:abc","expires_in":60}`)
	f.Add(201, "application/json", `{"request_uri":"urn:x","expires_in":"60"}`)
	f.Add(201, "application/json", `{"request_uri":"urn:x","expires_in":1e308}`)
	f.Add(201, "application/json", `{"request_uri":["urn:x"],"expires_in":60}`)
	f.Add(201, "application/json", `{"request_uri":"urn:x","expires_in":-1}`)
	f.Add(400, "application/json", `{"error":"invalid_request_object"}`)
	f.Add(200, "text/html", `<html>login</html>`)
	f.Fuzz(func(t *testing.T, status int, ct, body string) {
		r := &rawResponse{status: status, header: http.Header{"Content-Type": {ct}}, body: []byte(body)}
		m, err := r.decode(endpointPAR)
		if err != nil {
			return
		}
		uri, exp, err := pushedAuthFromMap(m)
		if err != nil {
			if uri != "" || exp != 0 {
				t.Fatalf("request_uri %q, lifetime %v with error %v", uri, exp, err)
			}
			return
		}
		if uri == "" || exp <= 0 || exp > maxLifetime {
			t.Fatalf("accepted request_uri %q with lifetime %v from %s", uri, exp, body)
		}
	})
}
