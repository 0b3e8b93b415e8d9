package oauthtest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit/jose"
)

// FuzzTokenEndpoint sends arbitrary bodies and Authorization headers to the
// token endpoint: it must never panic and always answer with JSON.
func FuzzTokenEndpoint(f *testing.F) {
	f.Add("grant_type=client_credentials", "Basic Y2xpZW50OnNlY3JldA==")
	f.Add("grant_type=password&username=alice&password=wonderland", "")
	f.Add("grant_type=authorization_code&code=x&code_verifier=%zz", "Basic !!")
	f.Add("grant_type=refresh_token&refresh_token=x&scope=a%20b", "Bearer x")
	f.Add("client_id=client&client_secret=secret&client_assertion=a.b.c", "Basic Y2xpZW50")
	s := NewUnstartedServer()
	s.URL = "http://auth.example"
	s.RegisterClient(Client{ID: "client", Secret: "secret"})
	s.RegisterClient(Client{ID: "public", AuthMethod: AuthNone})
	h := s.Handler()
	f.Fuzz(func(t *testing.T, body, auth string) {
		req := httptest.NewRequest(http.MethodPost, "/token", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var v map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatalf("HTTP %d body %q is not JSON: %v", rec.Code, rec.Body.Bytes(), err)
		}
		if rec.Code != http.StatusOK && v["error"] == nil {
			t.Fatalf("HTTP %d without error code: %s", rec.Code, rec.Body.Bytes())
		}
	})
}

// FuzzBearerToken checks bearer token extraction from arbitrary requests.
func FuzzBearerToken(f *testing.F) {
	f.Add("Bearer abc", "access_token=x", "access_token=y")
	f.Add("bearer  ", "", "")
	f.Add("Basic abc", "a=%zz", "")
	f.Add("DPoP abc", "", "")
	f.Fuzz(func(t *testing.T, auth, body, query string) {
		req := httptest.NewRequest(http.MethodPost, "/resource", strings.NewReader(body))
		req.URL.RawQuery = query
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", auth)
		tok, scheme, e := accessToken(req)
		if e != nil && (tok != "" || scheme != "") {
			t.Fatalf("accessToken = %q, %q with error %v", tok, scheme, e)
		}
		if e == nil && tok != "" && scheme != schemeBearer && scheme != schemeDPoP {
			t.Fatalf("accessToken = %q with scheme %q", tok, scheme)
		}
		// RFC 6750 section 2: a token in the header and in the query is
		// sent in more than one way; one in the header alone is taken.
		sch, v, inHeader := strings.Cut(auth, " ")
		inHeader = inHeader && (strings.EqualFold(sch, schemeBearer) || strings.EqualFold(sch, schemeDPoP))
		q, qerr := url.ParseQuery(query)
		b, berr := url.ParseQuery(body)
		switch {
		case inHeader && q.Has("access_token") && e == nil:
			t.Fatalf("token in header %q and query %q accepted", auth, query)
		case inHeader && !q.Has("access_token") && qerr == nil && berr == nil && !b.Has("access_token") && (e != nil || tok != strings.TrimSpace(v)):
			t.Fatalf("header %q alone: accessToken = %q, %v", auth, tok, e)
		}
	})
}

// FuzzAssertions sends arbitrary client assertions and JWT-bearer grant
// assertions to the token endpoint: it must never panic, always answer
// with JSON, and never accept a client assertion it cannot verify.
func FuzzAssertions(f *testing.F) {
	s := NewUnstartedServer()
	s.URL = "http://auth.example"
	key, err := jose.NewKey(make([]byte, 32), "", jose.HS256)
	if err != nil {
		f.Fatal(err)
	}
	s.RegisterClient(Client{ID: "jwt", Secret: string(make([]byte, 32)), AuthMethod: ClientSecretJWT})
	s.TrustIssuer("issuer", key)
	valid, err := jose.Sign(key, jose.HS256, nil, map[string]any{
		"iss": "issuer", "sub": "user-1", "aud": s.TokenURL(), "exp": time.Now().Add(time.Minute).Unix(), "jti": "j",
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid, "jwt")
	f.Add("eyJhbGciOiJub25lIn0.eyJpc3MiOiJqd3QifQ.", "")
	f.Add("a.b.c", "jwt")
	f.Add(`{"payload":"x","signatures":[]}`, "nobody")
	h := s.Handler()
	f.Fuzz(func(t *testing.T, assertion, clientID string) {
		for _, form := range []url.Values{
			{"grant_type": {"client_credentials"}, "client_id": {clientID},
				"client_assertion": {assertion}, "client_assertion_type": {clientAssertionType}},
			{"grant_type": {grantJWTBearer}, "assertion": {assertion}},
		} {
			req := httptest.NewRequest(http.MethodPost, "/token", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			var v map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
				t.Fatalf("HTTP %d body %q is not JSON: %v", rec.Code, rec.Body.Bytes(), err)
			}
			if rec.Code != http.StatusOK && v["error"] == nil {
				t.Fatalf("HTTP %d without error code: %s", rec.Code, rec.Body.Bytes())
			}
			if form.Has("client_assertion") && rec.Code == http.StatusOK {
				t.Fatalf("client assertion %q accepted", assertion)
			}
		}
	})
}

// FuzzParseResponseType checks that an accepted response_type is a
// non-empty set of known values that parses the same however it is
// written.
func FuzzParseResponseType(f *testing.F) {
	for _, s := range []string{"code", "code id_token token", "id_token  token", "token token", "", " "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		rt, ok := parseResponseType(v)
		if !ok {
			return
		}
		if rt == (responseType{}) {
			t.Fatalf("parseResponseType(%q) accepted an empty set", v)
		}
		var parts []string
		for name, on := range map[string]bool{"code": rt.code, "token": rt.token, "id_token": rt.idToken} {
			if on {
				parts = append(parts, name)
			}
		}
		if again, ok := parseResponseType(strings.Join(parts, " ")); !ok || again != rt {
			t.Fatalf("parseResponseType(%q) = %+v, but its values re-parse as %+v, %v", v, rt, again, ok)
		}
	})
}
