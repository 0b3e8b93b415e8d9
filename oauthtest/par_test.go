package oauthtest_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// longSecret is long enough for HS256 (RFC 7518 §3.2).
const longSecret = "0123456789abcdef0123456789abcdef"

func push(t *testing.T, srv *oauthtest.Server, c oauthtest.Client, params url.Values) response {
	t.Helper()
	return post(t, srv, srv.PushedAuthorizationURL(), c, params)
}

func TestPushedAuthorization(t *testing.T) {
	t.Parallel()
	srv, clk := newClockServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}, RequirePushedAuthorizationRequests: true})

	// The client requires PAR: a plain request is refused.
	if _, err := srv.Authorize(t.Context(), srv.AuthorizationURL()+"?"+codeParams(c).Encode()); err == nil {
		t.Fatal("unpushed request of a client that requires PAR: redirected; want an error page")
	}
	r := push(t, srv, c, codeParams(c))
	if r.status != http.StatusCreated || r.str("request_uri") == "" || r.body["expires_in"] != float64(60) {
		t.Fatalf("push = %d %v; want 201 with request_uri and expires_in 60", r.status, r.body)
	}
	front := url.Values{"client_id": {c.ID}, "request_uri": {r.str("request_uri")}}
	q := authorize(t, srv, front).Query()
	if q.Get("code") == "" || q.Get("state") != "xyz" {
		t.Fatalf("callback %v; want code and the pushed state", q)
	}
	// One time only.
	if _, err := srv.Authorize(t.Context(), srv.AuthorizationURL()+"?"+front.Encode()); err == nil {
		t.Error("request_uri used twice: redirected; want an error page")
	}
	// Expiry.
	r = push(t, srv, c, codeParams(c))
	clk.Advance(61 * time.Second)
	front.Set("request_uri", r.str("request_uri"))
	if _, err := srv.Authorize(t.Context(), srv.AuthorizationURL()+"?"+front.Encode()); err == nil {
		t.Error("expired request_uri: redirected; want an error page")
	}
}

func TestPushedAuthorization_errors(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}})
	other := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}})
	tests := []struct {
		name   string
		client oauthtest.Client
		edit   func(url.Values)
		status int
		code   string
	}{
		{name: "wrong secret", client: oauthtest.Client{ID: c.ID, Secret: "wrong"}, status: 401, code: "invalid_client"},
		{name: "request_uri pushed", client: c, edit: func(v url.Values) { v.Set("request_uri", "urn:x") }, status: 400, code: "invalid_request"},
		{name: "other client id", client: c, edit: func(v url.Values) { v.Set("client_id", other.ID) }, status: 400, code: "invalid_request"},
		{name: "bad redirect", client: c, edit: func(v url.Values) { v.Set("redirect_uri", "https://evil.example/cb") }, status: 400, code: "invalid_request"},
		{name: "bad response type", client: c, edit: func(v url.Values) { v.Set("response_type", "magic") }, status: 400, code: "unsupported_response_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := codeParams(c)
			if tt.edit != nil {
				tt.edit(p)
			}
			wantError(t, push(t, srv, tt.client, p), tt.status, tt.code)
		})
	}
	// A request_uri of one client is not another's.
	r := push(t, srv, c, codeParams(c))
	front := url.Values{"client_id": {other.ID}, "request_uri": {r.str("request_uri")}}
	if _, err := srv.Authorize(t.Context(), srv.AuthorizationURL()+"?"+front.Encode()); err == nil {
		t.Error("request_uri of another client: redirected; want an error page")
	}
}

func TestServer_RequirePushedAuthorizationRequests(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(s *oauthtest.Server) { s.RequirePushedAuthorizationRequests = true })
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}})
	if _, err := srv.Authorize(t.Context(), srv.AuthorizationURL()+"?"+codeParams(c).Encode()); err == nil {
		t.Error("unpushed request: redirected; want an error page")
	}
	var meta map[string]any
	r := do(t, srv, mustGet(t, srv.OpenIDConfigurationURL()))
	meta = r.body
	if meta["require_pushed_authorization_requests"] != true || meta["pushed_authorization_request_endpoint"] != srv.PushedAuthorizationURL() {
		t.Errorf("metadata = %v; want PAR endpoint and requirement", meta)
	}
}

func mustGet(t *testing.T, u string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// requestObject signs params as a request object of c.
func requestObject(t *testing.T, srv *oauthtest.Server, c oauthtest.Client, key *jose.Key, params url.Values, edit func(map[string]any)) string {
	t.Helper()
	now := time.Now()
	claims := map[string]any{"iss": c.ID, "aud": srv.URL, "exp": now.Add(time.Minute).Unix(), "iat": now.Unix(), "jti": rand.Text()}
	for k := range params {
		claims[k] = params.Get(k)
	}
	if edit != nil {
		edit(claims)
	}
	tok, err := jose.Sign(key, "", map[string]any{"typ": "oauth-authz-req+jwt"}, claims)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestRequestObject(t *testing.T) {
	t.Parallel()
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	clientKey, _ := jose.NewKey(ec, "ck", jose.ES256)
	encPriv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	encKey, _ := jose.NewEncryptionKey(encPriv, "enc", "")
	srv := newServer(t, func(s *oauthtest.Server) { s.EncryptionKey = encKey })
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}, AuthMethod: oauthtest.PrivateKeyJWT, PublicKey: clientKey})
	secretClient := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}, Secret: longSecret})
	secretKey, _ := jose.NewKey([]byte(secretClient.Secret), "", jose.HS256)

	tests := []struct {
		name     string
		client   oauthtest.Client
		key      *jose.Key
		edit     func(map[string]any)
		encrypt  bool
		wantCode bool
	}{
		{name: "signed", client: c, key: clientKey, wantCode: true},
		{name: "hmac with the secret", client: secretClient, key: secretKey, wantCode: true},
		{name: "encrypted", client: c, key: clientKey, encrypt: true, wantCode: true},
		{name: "wrong aud", client: c, key: clientKey, edit: func(m map[string]any) { m["aud"] = "https://other.example" }},
		{name: "expired", client: c, key: clientKey, edit: func(m map[string]any) { m["exp"] = time.Now().Add(-time.Minute).Unix() }},
		{name: "wrong iss", client: c, key: clientKey, edit: func(m map[string]any) { m["iss"] = "someone" }},
		{name: "other client_id inside", client: c, key: clientKey, edit: func(m map[string]any) { m["client_id"] = secretClient.ID }},
		{name: "signed by another key", client: secretClient, key: clientKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			obj := requestObject(t, srv, tt.client, tt.key, codeParams(tt.client), tt.edit)
			if tt.encrypt {
				var err error
				if obj, err = jose.Encrypt(srv.PublicKeys().Keys[1], "", "", map[string]any{"cty": "JWT"}, []byte(obj)); err != nil {
					t.Fatal(err)
				}
			}
			front := url.Values{"client_id": {tt.client.ID}, "request": {obj}}
			cb, err := srv.Authorize(t.Context(), srv.AuthorizationURL()+"?"+front.Encode())
			if !tt.wantCode {
				if err == nil {
					t.Fatalf("Authorize = %s; want an error page", cb)
				}
				return
			}
			if err != nil {
				t.Fatalf("Authorize: %v", err)
			}
			u, _ := url.Parse(cb)
			if q := u.Query(); q.Get("code") == "" || q.Get("state") != "xyz" {
				t.Errorf("callback %v; want code and state from the request object", q)
			}
		})
	}
}

func TestRequestObject_pushed(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}, Secret: longSecret})
	key, _ := jose.NewKey([]byte(c.Secret), "", jose.HS256)
	r := push(t, srv, c, url.Values{"request": {requestObject(t, srv, c, key, codeParams(c), nil)}})
	if r.status != http.StatusCreated {
		t.Fatalf("push of a request object = %d %s", r.status, r.raw)
	}
	q := authorize(t, srv, url.Values{"client_id": {c.ID}, "request_uri": {r.str("request_uri")}}).Query()
	if q.Get("code") == "" {
		t.Errorf("callback %v; want a code", q)
	}
}
