package oauthkit_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/dpop"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// dpopServer starts an oauthtest server with configure applied.
func dpopServer(t *testing.T, configure func(*oauthtest.Server)) *oauthtest.Server {
	t.Helper()
	srv := oauthtest.NewUnstartedServer()
	srv.DeviceInterval = time.Second
	if configure != nil {
		configure(srv)
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// dpopSession registers a confidential client and returns a DPoP session
// for it.
func dpopSession(t *testing.T, srv *oauthtest.Server, edit ...func(*oauthkit.Config)) *oauthkit.Session {
	t.Helper()
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"https://app.example/cb"}})
	cfg := oauthkit.Config{
		ClientID: c.ID, ClientSecret: c.Secret, TokenURL: srv.TokenURL(),
		AuthURL: srv.AuthorizationURL(), DeviceAuthURL: srv.DeviceAuthorizationURL(),
		IntrospectionURL: srv.IntrospectionURL(), RedirectURL: "https://app.example/cb",
		DPoP: &dpop.Config{},
	}
	for _, e := range edit {
		e(&cfg)
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func getResource(t *testing.T, s *oauthkit.Session, u string) *http.Response {
	t.Helper()
	resp, err := s.Get(t.Context(), u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// TestDPoP_everyGrant: with Config.DPoP, every grant's token request
// carries a proof (the server requires one), the token comes back bound,
// and the resource accepts it with a proof of the same key.
func TestDPoP_everyGrant(t *testing.T) {
	t.Parallel()
	srv := dpopServer(t, func(s *oauthtest.Server) { s.RequireDPoP = true })
	for _, gc := range grantCases() {
		t.Run(gc.name, func(t *testing.T) {
			t.Parallel()
			s := dpopSession(t, srv)
			tok, err := gc.fetch(t, t.Context(), srv, s)
			if err != nil {
				t.Fatalf("%s: %v", gc.name, err)
			}
			if tok.TokenType != "DPoP" {
				t.Errorf("token_type = %q; want DPoP", tok.TokenType)
			}
			if resp := getResource(t, s, srv.ResourceURL()); resp.StatusCode != http.StatusOK {
				t.Errorf("resource: HTTP %d", resp.StatusCode)
			}
			info, err := s.Introspect(t.Context(), tok.AccessToken)
			if err != nil {
				t.Fatal(err)
			}
			if cnf, _ := info.Extra["cnf"].(map[string]any); cnf["jkt"] != s.DPoP().Thumbprint() {
				t.Errorf("cnf = %v; want jkt %s", info.Extra["cnf"], s.DPoP().Thumbprint())
			}
		})
	}
}

// TestDPoP_proofsOnTheWire checks the proofs the session sends: one per
// request, never reused, with ath on resource requests only.
func TestDPoP_proofsOnTheWire(t *testing.T) {
	t.Parallel()
	srv := dpopServer(t, nil)
	s := dpopSession(t, srv)
	tok, err := s.FetchToken(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		getResource(t, s, srv.ResourceURL()+"?q=1")
	}
	seen := map[string]bool{}
	for _, r := range srv.Requests() {
		proof := r.Header.Get("DPoP")
		_, payload, err := jose.UnsafeDecode(proof)
		if err != nil {
			t.Fatalf("%s request: proof %q: %v", r.Endpoint, proof, err)
		}
		c := decodeClaims(t, payload)
		if seen[c["jti"].(string)] {
			t.Errorf("jti %v reused", c["jti"])
		}
		seen[c["jti"].(string)] = true
		switch r.Endpoint {
		case oauthtest.TokenEndpoint:
			if c["ath"] != nil || c["htu"] != srv.TokenURL() || c["htm"] != "POST" {
				t.Errorf("token request proof claims %v", c)
			}
		case oauthtest.ResourceEndpoint:
			if c["ath"] != dpop.AccessTokenHash(tok.AccessToken) || c["htu"] != srv.ResourceURL() || c["htm"] != "GET" {
				t.Errorf("resource request proof claims %v", c)
			}
			if got := r.Header.Get("Authorization"); got != "DPoP "+tok.AccessToken {
				t.Errorf("Authorization = %q; want the DPoP scheme", got)
			}
		}
	}
	if len(seen) != 4 {
		t.Errorf("%d proofs seen; want 4", len(seen))
	}
}

func decodeClaims(t *testing.T, payload []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestDPoP_nonceAtTheTokenEndpoint: the first request learns the nonce
// from use_dpop_nonce and is sent once more; later ones use the cache.
func TestDPoP_nonceAtTheTokenEndpoint(t *testing.T) {
	t.Parallel()
	srv := dpopServer(t, func(s *oauthtest.Server) { s.DPoPNonce = true })
	s := dpopSession(t, srv)
	if _, err := s.FetchToken(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if n := srv.RequestCount(oauthtest.TokenEndpoint); n != 2 {
		t.Errorf("first token request: %d requests; want 2 (one retry with the nonce)", n)
	}
	if _, err := s.FetchToken(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if n := srv.RequestCount(oauthtest.TokenEndpoint); n != 3 {
		t.Errorf("second token request: %d requests in all; want 3 (the nonce cached)", n)
	}
}

// TestDPoP_nonceRefusedTwice: a server that answers use_dpop_nonce again
// after the retry gets exactly one retry, and the error.
func TestDPoP_nonceRefusedTwice(t *testing.T) {
	t.Parallel()
	t.Run("token endpoint", func(t *testing.T) {
		t.Parallel()
		srv := dpopServer(t, nil)
		s := dpopSession(t, srv)
		srv.InjectFault(oauthtest.Fault{Endpoint: oauthtest.TokenEndpoint, Status: 400, Times: 3,
			Body: []byte(`{"error":"use_dpop_nonce"}`), Header: http.Header{"DPoP-Nonce": {"n1"}}})
		_, err := s.FetchToken(t.Context(), nil)
		if e, ok := errorsAs(err); !ok || e.Code != oauthkit.ErrorCodeUseDPoPNonce {
			t.Errorf("FetchToken = %v; want the use_dpop_nonce error", err)
		}
		if n := srv.RequestCount(oauthtest.TokenEndpoint); n != 2 {
			t.Errorf("%d token requests; want 2", n)
		}
	})
	t.Run("resource", func(t *testing.T) {
		t.Parallel()
		srv := dpopServer(t, nil)
		s := dpopSession(t, srv)
		if _, err := s.FetchToken(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
		srv.InjectFault(oauthtest.Fault{Endpoint: oauthtest.ResourceEndpoint, Status: 401, Times: 3,
			Header: http.Header{"DPoP-Nonce": {"r1"}, "WWW-Authenticate": {`DPoP error="use_dpop_nonce"`}}})
		resp := getResource(t, s, srv.ResourceURL())
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("HTTP %d; want the 401", resp.StatusCode)
		}
		cs, err := oauthkit.ParseWWWAuthenticate(resp.Header)
		if err != nil || len(cs) != 1 || cs[0].Error != oauthkit.ErrorCodeUseDPoPNonce {
			t.Errorf("challenges = %+v, %v", cs, err)
		}
		if n := srv.RequestCount(oauthtest.ResourceEndpoint); n != 2 {
			t.Errorf("%d resource requests; want 2", n)
		}
	})
}

// TestDPoP_nonceAtTheResource: a stale nonce is refused once and the
// request is sent again, body and all; a nonce handed out in a successful
// answer is used next without a refusal.
func TestDPoP_nonceAtTheResource(t *testing.T) {
	t.Parallel()
	srv := dpopServer(t, func(s *oauthtest.Server) { s.DPoPNonce = true })
	s := dpopSession(t, srv)
	if _, err := s.FetchToken(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	base := srv.RequestCount(oauthtest.ResourceEndpoint)
	getResource(t, s, srv.ResourceURL())
	if n := srv.RequestCount(oauthtest.ResourceEndpoint) - base; n != 1 {
		t.Errorf("same origin as the token endpoint: %d requests; want 1 (the cached nonce)", n)
	}

	srv.RotateDPoPNonce()
	getResource(t, s, srv.ResourceURL())
	u, _ := url.Parse(srv.URL)
	srv.RotateDPoPNonce() // the nonce from the last answer stays valid
	resp := getResource(t, s, srv.ResourceURL())
	if n := srv.RequestCount(oauthtest.ResourceEndpoint) - base; n != 3 || resp.StatusCode != 200 {
		t.Errorf("after roll-overs: %d requests, HTTP %d; want 3 without a refusal", n, resp.StatusCode)
	}

	srv.RotateDPoPNonce()
	srv.RotateDPoPNonce()
	stale := s.DPoP().Nonce(u)
	r, err := s.PostForm(t.Context(), srv.ResourceURL(), url.Values{"x": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	body := decodeBody(t, r)
	r.Body.Close()
	form, _ := body["form"].(map[string]any)
	if r.StatusCode != 200 || fmt.Sprint(form["x"]) != "[1]" {
		t.Errorf("POST after a stale nonce: HTTP %d %v; want the form echoed", r.StatusCode, body)
	}
	if n := srv.RequestCount(oauthtest.ResourceEndpoint) - base; n != 5 || s.DPoP().Nonce(u) == stale {
		t.Errorf("%d requests; want 5 (one retry), and the new nonce cached", n)
	}
}

// TestDPoP_refreshKeepsTheKey: the refreshed token is bound to the same
// key, for a public client whose refresh token is bound too.
func TestDPoP_refreshKeepsTheKey(t *testing.T) {
	t.Parallel()
	srv := dpopServer(t, func(s *oauthtest.Server) { s.RotateRefreshTokens = true; s.RequireDPoP = true })
	c := srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.AuthNone, RedirectURIs: []string{"https://app.example/cb"}})
	s, err := oauthkit.NewSession(oauthkit.Config{ClientID: c.ID, AuthMethod: oauthkit.AuthNone, TokenURL: srv.TokenURL(),
		AuthURL: srv.AuthorizationURL(), RedirectURL: "https://app.example/cb", DPoP: &dpop.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	ar, err := s.AuthorizationURL(oauthkit.WithDPoPJKT())
	if err != nil {
		t.Fatal(err)
	}
	cb, err := srv.Authorize(t.Context(), ar.URL)
	if err != nil {
		t.Fatal(err)
	}
	first, err := s.ExchangeAuthorizationResponse(t.Context(), cb, *ar)
	if err != nil {
		t.Fatal(err)
	}
	second, err := s.Refresh(t.Context())
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if second.TokenType != "DPoP" || second.AccessToken == first.AccessToken {
		t.Errorf("refreshed token %v; want a new DPoP token", second)
	}
	if resp := getResource(t, s, srv.ResourceURL()); resp.StatusCode != 200 {
		t.Errorf("resource after refresh: HTTP %d", resp.StatusCode)
	}
}

// TestDPoP_dpopJKT: the authorization code is bound to the key named in
// the request; another key cannot redeem it.
func TestDPoP_dpopJKT(t *testing.T) {
	t.Parallel()
	srv := dpopServer(t, nil)
	s := dpopSession(t, srv)
	ar, err := s.AuthorizationURL(oauthkit.WithDPoPJKT())
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(ar.URL)
	if got := u.Query().Get("dpop_jkt"); got != s.DPoP().Thumbprint() {
		t.Fatalf("dpop_jkt = %q; want %q", got, s.DPoP().Thumbprint())
	}
	cb, err := srv.Authorize(t.Context(), ar.URL)
	if err != nil {
		t.Fatal(err)
	}
	cfg := s.Config()
	thief, err := oauthkit.NewSession(cfg) // same client, a new key
	if err != nil {
		t.Fatal(err)
	}
	_, err = thief.ExchangeAuthorizationResponse(t.Context(), cb, *ar)
	if e, ok := errorsAs(err); !ok || e.Code != oauthkit.ErrorCodeInvalidDPoPProof {
		t.Errorf("exchange with another key = %v; want invalid_dpop_proof", err)
	}
	if _, err := s.ExchangeAuthorizationResponse(t.Context(), cb, *ar); err != nil {
		t.Errorf("exchange with the key: %v", err)
	}

	plain, err := oauthkit.NewSession(oauthkit.Config{ClientID: "c", AuthURL: srv.AuthorizationURL()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plain.AuthorizationURL(oauthkit.WithDPoPJKT()); !errors.Is(err, oauthkit.ErrInvalidConfig) {
		t.Errorf("WithDPoPJKT without Config.DPoP = %v; want %v", err, oauthkit.ErrInvalidConfig)
	}
}

// TestDPoP_tokenTypes: a DPoP session sends a bearer token as a bearer
// token; a session without DPoP refuses a DPoP token at the token
// endpoint, before it is stored.
func TestDPoP_tokenTypes(t *testing.T) {
	t.Parallel()
	tokenType := "Bearer"
	var gotAuthz, gotProof string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/token" {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"access_token":"at","token_type":%q}`, tokenType)
			return
		}
		gotAuthz, gotProof = r.Header.Get("Authorization"), r.Header.Get("DPoP")
	}))
	t.Cleanup(srv.Close)
	withDPoP, err := oauthkit.NewSession(oauthkit.Config{ClientID: "c", TokenURL: srv.URL + "/token", DPoP: &dpop.Config{}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := withDPoP.FetchToken(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	resp, err := withDPoP.Get(t.Context(), srv.URL+"/api")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if gotAuthz != "Bearer at" || gotProof != "" {
		t.Errorf("bearer token from a DPoP session: Authorization %q, DPoP %q; want a plain bearer request", gotAuthz, gotProof)
	}

	tokenType = "DPoP"
	plain, err := oauthkit.NewSession(oauthkit.Config{ClientID: "c", TokenURL: srv.URL + "/token"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plain.FetchToken(t.Context(), nil); !errors.Is(err, oauthkit.ErrUnsupportedTokenType) || plain.Token() != nil {
		t.Errorf("DPoP token for a session without DPoP: %v, token %v; want %v and none stored", err, plain.Token(), oauthkit.ErrUnsupportedTokenType)
	}
}

// TestDPoP_tokenInBodyIgnored: DPoP tokens go in the header whatever the
// placement (RFC 9449 section 7.1).
func TestDPoP_tokenInBodyIgnored(t *testing.T) {
	t.Parallel()
	srv := dpopServer(t, nil)
	s := dpopSession(t, srv, func(c *oauthkit.Config) { c.TokenPlacement = oauthkit.TokenInBody })
	if _, err := s.FetchToken(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if resp := getResource(t, s, srv.ResourceURL()); resp.StatusCode != 200 {
		t.Errorf("HTTP %d", resp.StatusCode)
	}
}

func TestDPoP_invalidKey(t *testing.T) {
	t.Parallel()
	_, err := oauthkit.NewSession(oauthkit.Config{ClientID: "c",
		DPoP: &dpop.Config{Key: &jose.Key{Key: []byte("0123456789abcdef0123456789abcdef")}}})
	if !errors.Is(err, oauthkit.ErrInvalidConfig) || !errors.Is(err, dpop.ErrInvalidKey) {
		t.Errorf("NewSession with a symmetric DPoP key = %v; want %v and %v", err, oauthkit.ErrInvalidConfig, dpop.ErrInvalidKey)
	}
}

// TestDPoP_concurrent: many goroutines share the session, its nonce cache
// and its prover.
func TestDPoP_concurrent(t *testing.T) {
	t.Parallel()
	srv := dpopServer(t, func(s *oauthtest.Server) { s.DPoPNonce = true; s.RequireDPoP = true })
	s := dpopSession(t, srv, func(c *oauthkit.Config) { c.Grant = oauthkit.ClientCredentials() })
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			resp, err := s.Get(context.Background(), srv.ResourceURL())
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("HTTP %d", resp.StatusCode)
			}
		})
	}
	wg.Wait()
	if n := srv.RequestCount(oauthtest.TokenEndpoint); n > 2 {
		t.Errorf("%d token requests; want one fetch (and its nonce retry)", n)
	}
}

// TestDPoP_pushedAuthorization: the pushed request carries a proof (RFC
// 9449 section 10.1), which binds the code to the key, nonce retry
// included.
func TestDPoP_pushedAuthorization(t *testing.T) {
	t.Parallel()
	srv := dpopServer(t, func(s *oauthtest.Server) { s.DPoPNonce = true })
	s := dpopSession(t, srv, func(c *oauthkit.Config) { c.PushedAuthURL = srv.PushedAuthorizationURL() })
	ar, err := s.PushAuthorizationRequest(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.RequestCount(oauthtest.PushedAuthorizationEndpoint); n != 2 {
		t.Errorf("%d pushes; want 2 (one nonce retry)", n)
	}
	for _, r := range srv.Requests() {
		if r.Endpoint == oauthtest.PushedAuthorizationEndpoint && r.Header.Get("DPoP") == "" {
			t.Error("push without a DPoP proof")
		}
	}
	cb, err := srv.Authorize(t.Context(), ar.URL)
	if err != nil {
		t.Fatal(err)
	}
	thief, err := oauthkit.NewSession(s.Config())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := thief.ExchangeAuthorizationResponse(t.Context(), cb, *ar); err == nil {
		t.Error("a code pushed with one key was redeemed with another")
	}
	if _, err := s.ExchangeAuthorizationResponse(t.Context(), cb, *ar); err != nil {
		t.Errorf("exchange with the key: %v", err)
	}
}

// TestDPoP_nonceRetryAuthenticatesAgain: the request sent again with the
// nonce carries a new client assertion. An assertion is good for one
// request (RFC 7523 section 3), and servers check it, and record its
// jti, before they look at the proof, so the retry of a token request or
// a push with the first one's assertion would be refused.
func TestDPoP_nonceRetryAuthenticatesAgain(t *testing.T) {
	t.Parallel()
	srv := dpopServer(t, func(s *oauthtest.Server) { s.DPoPNonce = true })
	key, err := dpop.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	secret := "0123456789abcdef0123456789abcdef"
	tests := []struct {
		name   string
		client oauthtest.Client
		cfg    oauthkit.Config
	}{
		{"client_secret_jwt", oauthtest.Client{AuthMethod: oauthtest.ClientSecretJWT, Secret: secret},
			oauthkit.Config{AuthMethod: oauthkit.ClientSecretJWT, ClientSecret: secret}},
		{"private_key_jwt", oauthtest.Client{AuthMethod: oauthtest.PrivateKeyJWT, PublicKey: key},
			oauthkit.Config{AuthMethod: oauthkit.PrivateKeyJWT, ClientKey: key}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.client.RedirectURIs = []string{"https://app.example/cb"}
			c := srv.RegisterClient(tt.client)
			cfg := tt.cfg
			cfg.ClientID, cfg.TokenURL, cfg.DPoP = c.ID, srv.TokenURL(), &dpop.Config{}
			cfg.AuthURL, cfg.PushedAuthURL, cfg.RedirectURL = srv.AuthorizationURL(), srv.PushedAuthorizationURL(), "https://app.example/cb"
			s, err := oauthkit.NewSession(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.FetchToken(t.Context(), oauthkit.ClientCredentials()); err != nil {
				t.Errorf("token request with a nonce retry: %v", err)
			}
			srv.RotateDPoPNonce()
			srv.RotateDPoPNonce()
			if _, err := s.PushAuthorizationRequest(t.Context()); err != nil {
				t.Errorf("push with a nonce retry: %v", err)
			}
		})
	}
}
