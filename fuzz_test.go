package oauthkit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	scrub "github.com/oauthkit/oauthkit/internal/redact"
	"github.com/oauthkit/oauthkit/internal/wire"
)

// FuzzTokenResponse feeds arbitrary token endpoint answers to the parser:
// it must never panic, and a token it returns must be usable.
func FuzzTokenResponse(f *testing.F) {
	f.Add(200, "application/json", `{"access_token":"a","token_type":"bearer","expires_in":3600,"refresh_token":"r","scope":"x y"}`)
	f.Add(200, "application/json", `{"access_token":"a","token_type":"Bearer","expires_in":"60","id_token":"e.y.j"}`)
	f.Add(200, "application/x-www-form-urlencoded", `access_token=a&token_type=bearer&scope=user%3Aemail`)
	f.Add(200, "application/json", `{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired."}`)
	f.Add(400, "application/json", `{"error":"invalid_grant"}`)
	f.Add(500, "text/html", `<html><body>Server Error</body></html>`)
	f.Add(200, "application/json", `{"access_token":"a","token_type":"bearer","expires_in":1e308}`)
	f.Add(200, "text/plain", `access_token=a&token_type=bearer&expires_in=-1`)
	f.Add(200, "", `{"access_token":["a"]}`)
	// expires_in past 2^63 ns, which overflowed into the past, and the
	// largest values of each number shape.
	f.Add(200, "application/json", `{"access_token":"a","token_type":"bearer","expires_in":9223372037}`)
	f.Add(200, "application/json", `{"access_token":"a","token_type":"bearer","expires_in":9223372036854775807}`)
	f.Add(200, "application/json", `{"access_token":"a","token_type":"bearer","expires_in":"9223372036854775807","x":1}`)
	f.Add(200, "application/json", `{"access_token":"a","token_type":"bearer","expires_in":9.007199254740992e15}`)
	f.Add(200, "application/x-www-form-urlencoded", `access_token=a&token_type=bearer&expires_in=99999999999`)
	// A token that lives shorter than the leeway.
	f.Add(200, "application/json", `{"access_token":"a","token_type":"bearer","expires_in":1}`)
	// Answers that fail to parse while carrying tokens: the error must not
	// quote them.
	f.Add(200, "application/json", `{"access_token":"SECRET-AT","token_type":"Bearer","refresh_token":"SECRET-RT","scope":["read"]}`)
	f.Add(200, "application/json", `{"access_token":"SECRET-AT","token_type":"Bearer","expires_in":"3600s"}`)
	f.Add(200, "application/json", `{"access_token":"SECRET-AT","token_type":"Bearer"} trailing`)
	f.Add(403, "text/html", `<html>client_secret=SECRET-CS&password=SECRET-PW</html>`)
	now := time.Unix(1700000000, 0)
	s, err := NewSession(Config{ClientID: "c", Now: func() time.Time { return now }})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status int, ct, body string) {
		r := &rawResponse{status: status, header: http.Header{"Content-Type": {ct}}, body: []byte(body)}
		if fast, ok := plainToken(r); ok {
			// The fast path must agree with the general decoder.
			m, err := r.decode(endpointToken)
			if err != nil {
				t.Fatalf("fast path accepted what the general path refuses: %v", err)
			}
			slow, err := tokenFromMap(m)
			if err != nil || !reflect.DeepEqual(fast, slow) {
				t.Fatalf("fast path %+v, general path %+v (%v)", fast, slow, err)
			}
		}
		tok, err := tokenFromResponse(r, now)
		if err != nil {
			if tok != nil {
				t.Fatalf("token %v with error %v", tok, err)
			}
			if !strings.HasPrefix(err.Error(), "oauthkit: ") {
				t.Fatalf("error without prefix: %q", err)
			}
			checkNoCredential(t, body, err)
			return
		}
		if tok.AccessToken == "" || !usableTokenType(tok.TokenType) || status < 200 || status > 299 {
			t.Fatalf("unusable token accepted: %+v (status %d)", tok, status)
		}
		if tok.ExpiresIn > 0 && !tok.ExpiresAt.After(now) {
			t.Fatalf("expires_in %d but ExpiresAt %v", tok.ExpiresIn, tok.ExpiresAt)
		}
		// A fresh token is never due at receipt, however short its life.
		if st := s.newState(tok, nil); tok.ExpiresIn > 0 && !st.ready(now) {
			t.Fatalf("expires_in %d: due at receipt ", tok.ExpiresIn)
		}
	})
}

// FuzzTokenJSON feeds arbitrary stored tokens to the loader: it must never
// panic, fail only on a JSON or string-member error, and what it loads
// must survive a save and a load.
func FuzzTokenJSON(f *testing.F) {
	f.Add(`{"access_token":"a","token_type":"Bearer","refresh_token":"r","expires_in":3600,"expires_at":1700000000}`)
	f.Add(`{"access_token":"a","expires_at":"soon","expires_in":"60"}`)
	f.Add(`{"access_token":"a","expires_at":true}`)
	f.Add(`{"access_token":"a","expires_at":0}`)
	f.Add(`{"access_token":"a","expires_at":-1e300,"expires_in":1e300}`)
	f.Add(`{"access_token":"a","expires_in":9223372036854775807}`)
	f.Add(`{"access_token":"a","expires_at":9223372036854775807}`)
	f.Add(`{"access_token":"a","expires_at":null,"expires_in":{"x":1}}`)
	f.Add(`{"access_token":"","expires_in":1e16}`)
	f.Add(`{"access_token":"","expires_at":9.3e18}`)
	now := time.Unix(1700000000, 0)
	f.Fuzz(func(t *testing.T, body string) {
		var m map[string]any
		dec := json.NewDecoder(strings.NewReader(body))
		dec.UseNumber()
		if dec.Decode(&m) != nil {
			return
		}
		tok, err := loadToken(m, now)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "oauthkit: token member ") {
				t.Fatalf("load error not about a string member: %v", err)
			}
			return
		}
		b, err := json.Marshal(tok)
		if err != nil {
			t.Fatalf("Marshal(%v): %v", tok, err)
		}
		var back map[string]any
		dec = json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&back); err != nil {
			t.Fatal(err)
		}
		again, err := loadToken(back, now)
		if err != nil {
			t.Fatalf("reloading %s: %v", b, err)
		}
		if !again.ExpiresAt.Equal(tok.ExpiresAt) || again.ExpiresIn != tok.ExpiresIn {
			t.Fatalf("saved %s, reloaded %v, want %v", b, again, tok)
		}
		again.ExpiresAt = tok.ExpiresAt
		if !reflect.DeepEqual(again, tok) {
			t.Fatalf("saved %s, reloaded %#v, want %#v", b, *again, *tok)
		}
	})
}

// FuzzAuthorizationResponse feeds arbitrary callback URLs through the
// checks that precede a code exchange: no panic, and no code reaches the
// exchange unless the state matched.
func FuzzAuthorizationResponse(f *testing.F) {
	f.Add("https://app.example/cb?code=c&state=s")
	f.Add("https://app.example/cb#code=c&state=s&iss=https%3A%2F%2Fas.example")
	f.Add("https://app.example/cb?error=access_denied&state=s&error_description=x")
	f.Add("https://app.example/cb#access_token=a&token_type=bearer&state=s&expires_in=10")
	f.Add("http://127.0.0.1:1/cb?code=%zz&state=s")
	f.Add("::::")
	f.Add("/cb?code=c&state=s")
	f.Add("code=c&state=s&iss=https%3A%2F%2Fas.example")
	f.Add("https:///cb?code=c&state=s")
	s, err := NewSession(Config{ClientID: "c", Issuer: "https://as.example"})
	if err != nil {
		f.Fatal(err)
	}
	ar := AuthorizationRequest{State: "s"}
	f.Fuzz(func(t *testing.T, raw string) {
		params, err := s.callbackParams(raw, ar)
		if err != nil {
			if params != nil {
				t.Fatal("params with error")
			}
			return
		}
		if err := s.checkAuthorizationResponse(params, ar); err != nil {
			return
		}
		if params.Get("state") != "s" {
			t.Fatalf("state %q passed the check", params.Get("state"))
		}
		if iss, ok := params["iss"]; ok && (len(iss) != 1 || iss[0] != "https://as.example") {
			t.Fatalf("iss %q passed the check", iss)
		}
		if _, err := s.implicitToken(t.Context(), params, &IDTokenCheck{}); err != nil && !errors.Is(err, ErrInvalidTokenResponse) && !errors.Is(err, ErrMissingAccessToken) && !errors.Is(err, ErrUnsupportedTokenType) {
			t.Fatalf("implicit token error not typed: %v", err)
		}
	})
}

// FuzzCallbackRequest feeds arbitrary form_post bodies and queries to the
// request parser: no panic, and an error or values, never both.
func FuzzCallbackRequest(f *testing.F) {
	f.Add("POST", "application/x-www-form-urlencoded", "code=c&state=s", "")
	f.Add("GET", "", "", "code=c&state=s")
	f.Add("POST", "application/x-www-form-urlencoded", "code=%zz", "")
	f.Add("POST", "text/html", "<html>", "")
	f.Fuzz(func(t *testing.T, method, ct, body, query string) {
		r, err := http.NewRequest(method, "https://app.example/cb", strings.NewReader(body))
		if err != nil {
			return
		}
		r.URL.RawQuery = query
		r.Header.Set("Content-Type", ct)
		v, err := ParseCallbackRequest(r)
		if (err == nil) == (v == nil) {
			t.Fatalf("ParseCallbackRequest = %v, %v", v, err)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "oauthkit: ") {
				t.Fatalf("error without prefix: %q", err)
			}
			return
		}
		// The values are those of the query of a GET, of the body of a
		// POST, never a mix.
		src := query
		if r.Method == http.MethodPost {
			src = body
		}
		if want, err := url.ParseQuery(src); err != nil || !reflect.DeepEqual(v, want) {
			t.Fatalf("%s with query %q, body %q: %v; want %v (%v)", method, query, body, v, want, err)
		}
	})
}

// checkNoCredential fails when err's text quotes the value of a
// credential member of body, as the library's decoder reads body.
func checkNoCredential(t *testing.T, body string, err error) {
	t.Helper()
	m, derr := wire.Decode("", []byte(body))
	if derr != nil {
		m, derr = wire.DecodeForm([]byte(body))
	}
	if derr != nil {
		return
	}
	msg := fmt.Sprintf("%v %+v %#v", err, err, err)
	for k, v := range m {
		s, ok := v.(string)
		if !ok || len(s) < 6 || !scrub.IsCredential(k) || strings.Count(body, s) != 1 {
			continue
		}
		if strings.Contains(msg, s) {
			t.Fatalf("error quotes the %s: %s", k, msg)
		}
	}
}
