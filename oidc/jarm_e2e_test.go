package oidc_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/oidc"
)

// TestSession_oauthtest_jarm runs logins with JWT-secured responses
// against oauthtest: every response mode works, and a response JWT with a
// bad signature, the wrong audience, an expired one or one of another
// issuer is refused before the code is redeemed.
func TestSession_oauthtest_jarm(t *testing.T) {
	t.Parallel()
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rpKey, _ := jose.NewEncryptionKey(ec, "rp-enc", "")
	tests := []struct {
		name    string
		mode    string
		encrypt bool
		fault   *oauthtest.JWTFault
		wantErr error
	}{
		{name: "jwt", mode: oauthkit.ResponseModeJWT},
		{name: "query.jwt", mode: oauthkit.ResponseModeQueryJWT},
		{name: "fragment.jwt", mode: oauthkit.ResponseModeFragmentJWT},
		{name: "form_post.jwt", mode: oauthkit.ResponseModeFormPostJWT},
		{name: "encrypted", mode: oauthkit.ResponseModeJWT, encrypt: true},
		{name: "bad signature", mode: oauthkit.ResponseModeJWT, fault: &oauthtest.JWTFault{BadSignature: true}, wantErr: oidc.ErrInvalidSignature},
		{name: "alg none", mode: oauthkit.ResponseModeJWT, fault: &oauthtest.JWTFault{AlgNone: true}, wantErr: oidc.ErrInvalidSignature},
		{name: "wrong audience", mode: oauthkit.ResponseModeJWT, fault: &oauthtest.JWTFault{WrongAudience: true}, wantErr: oidc.ErrInvalidAudience},
		{name: "expired", mode: oauthkit.ResponseModeJWT, fault: &oauthtest.JWTFault{Expired: true}, wantErr: oidc.ErrResponseExpired},
		{name: "other issuer", mode: oauthkit.ResponseModeJWT, fault: &oauthtest.JWTFault{WrongIssuer: true}, wantErr: oidc.ErrInvalidIssuer},
		{name: "state replaced", mode: oauthkit.ResponseModeJWT, fault: &oauthtest.JWTFault{SetClaims: map[string]any{"state": "forged"}}, wantErr: oauthkit.ErrStateMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			srv := oauthtest.NewServer()
			t.Cleanup(srv.Close)
			reg := oauthtest.Client{RedirectURIs: []string{"https://app.example/cb"}}
			var keys []*jose.Key
			if tt.encrypt {
				reg.ResponseEncryptionKey, keys = rpKey.Public(), []*jose.Key{rpKey}
			}
			client := srv.RegisterClient(reg)
			p, err := oidc.NewProvider(ctx, srv.URL, oidc.ProviderConfig{})
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := p.Config(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret,
				RedirectURL: "https://app.example/cb", Scopes: []string{"openid"},
				JARMVerifier: p.JARMVerifier(client.ID, keys...)})
			if err != nil {
				t.Fatal(err)
			}
			s, err := oauthkit.NewSession(cfg)
			if err != nil {
				t.Fatal(err)
			}
			ar, err := s.AuthorizationURL(oauthkit.WithResponseMode(tt.mode))
			if err != nil {
				t.Fatal(err)
			}
			if tt.fault != nil {
				f := *tt.fault
				f.Kind = oauthtest.JARMResponseJWT
				srv.InjectJWTFault(f)
			}
			callback, err := srv.Authorize(ctx, ar.URL)
			if err != nil {
				t.Fatal(err)
			}
			if u, _ := url.Parse(callback); !strings.Contains(u.RawQuery+u.Fragment, "response=") || strings.Contains(u.RawQuery+u.Fragment, "code=") {
				t.Fatalf("callback %s; want a response JWT only", callback)
			}
			_, err = s.ExchangeAuthorizationResponse(ctx, callback, *ar)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("ExchangeAuthorizationResponse = %v; want %v", err, tt.wantErr)
			}
			if n := srv.RequestCount(oauthtest.TokenEndpoint); tt.wantErr != nil && n != 0 {
				t.Errorf("token requests after a refused response = %d; want 0", n)
			}
		})
	}
}

// TestSession_oauthtest_encryptedRequestObject pushes a request object
// encrypted to the key the provider publishes.
func TestSession_oauthtest_encryptedRequestObject(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	asKey, _ := jose.NewEncryptionKey(ec, "as-enc", "")
	srv := oauthtest.NewUnstartedServer()
	srv.EncryptionKey = asKey
	srv.Start()
	t.Cleanup(srv.Close)
	client := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"https://app.example/cb"}, Secret: "a-secret-of-at-least-thirty-two-bytes"})
	p, err := oidc.NewProvider(ctx, srv.URL, oidc.ProviderConfig{})
	if err != nil {
		t.Fatal(err)
	}
	enc, err := p.RequestObjectEncryptionKey(ctx)
	if err != nil {
		t.Fatalf("RequestObjectEncryptionKey: %v", err)
	}
	cfg, err := p.Config(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret, RedirectURL: "https://app.example/cb",
		RequestObject: &oauthkit.RequestObjectConfig{EncryptionKey: enc}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ar, err := s.PushAuthorizationRequest(ctx)
	if err != nil {
		t.Fatalf("PushAuthorizationRequest: %v", err)
	}
	if got := srv.Requests()[len(srv.Requests())-1].Form.Get("request"); !jose.IsEncrypted(got) {
		t.Fatalf("pushed request %q is not encrypted", got)
	}
	callback, err := srv.Authorize(ctx, ar.URL)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ExchangeAuthorizationResponse(ctx, callback, *ar); err != nil {
		t.Fatalf("ExchangeAuthorizationResponse: %v", err)
	}
	plain, _ := oidc.NewProviderFromMetadata(&oidc.Metadata{Issuer: "https://x.example"}, oidc.ProviderConfig{})
	if _, err := plain.RequestObjectEncryptionKey(ctx); !errors.Is(err, oidc.ErrInvalidMetadata) {
		t.Errorf("RequestObjectEncryptionKey without the metadata = %v; want ErrInvalidMetadata", err)
	}
}
