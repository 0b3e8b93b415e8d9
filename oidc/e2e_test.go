package oidc_test

import (
	"errors"
	"testing"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/oidc"
)

// e2eTest runs a whole login against an oauthtest server that issues ID
// tokens broken by fault, and expects the session to refuse the token
// with wantErr.
type e2eTest struct {
	name         string
	fault        oauthtest.IDTokenFault
	responseType string
	opts         []oauthkit.AuthURLOption
	setup        func(*oauthtest.Server)
	wantErr      error
}

func (tc e2eTest) run(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := oauthtest.NewServer()
	t.Cleanup(srv.Close)
	if tc.setup != nil {
		tc.setup(srv)
	}
	client := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"https://app.example/cb"}})
	p, err := oidc.NewProvider(ctx, srv.URL, oidc.ProviderConfig{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := p.Config(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret,
		RedirectURL: "https://app.example/cb", Scopes: []string{"openid", "email"}})
	if err != nil {
		t.Fatal(err)
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	opts := tc.opts
	if tc.responseType != "" {
		opts = append(opts, oauthkit.WithResponseType(tc.responseType))
	}
	ar, err := s.AuthorizationURL(opts...)
	if err != nil {
		t.Fatal(err)
	}
	srv.InjectIDTokenFault(tc.fault)
	callback, err := srv.Authorize(ctx, ar.URL)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.ExchangeAuthorizationResponse(ctx, callback, *ar)
	if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
		t.Fatalf("ExchangeAuthorizationResponse() = %v, want %v", err, tc.wantErr)
	}
}

func TestSession_oauthtest_idTokenFaults(t *testing.T) {
	t.Parallel()
	maxAge := oauthkit.WithParam("max_age", "300")
	tests := []e2eTest{
		{name: "valid code flow"},
		{name: "valid implicit", responseType: "id_token token"},
		{name: "valid hybrid", responseType: "code id_token"},
		{name: "valid max_age", opts: []oauthkit.AuthURLOption{maxAge}},
		{name: "bad signature", fault: oauthtest.IDTokenFault{BadSignature: true}, wantErr: oidc.ErrInvalidSignature},
		{name: "alg none", fault: oauthtest.IDTokenFault{AlgNone: true}, wantErr: oidc.ErrInvalidSignature},
		{name: "hmac with public key", fault: oauthtest.IDTokenFault{HMACWithPublicKey: true}, wantErr: oidc.ErrInvalidSignature},
		{name: "unpublished key", fault: oauthtest.IDTokenFault{SignWithUnpublishedKey: true}, wantErr: oidc.ErrInvalidSignature},
		{name: "no kid, several keys", fault: oauthtest.IDTokenFault{NoKeyID: true}, setup: func(s *oauthtest.Server) { s.RotateKeys() }},
		{name: "wrong issuer", fault: oauthtest.IDTokenFault{WrongIssuer: true}, wantErr: oidc.ErrInvalidIssuer},
		{name: "wrong audience", fault: oauthtest.IDTokenFault{WrongAudience: true}, wantErr: oidc.ErrInvalidAudience},
		{name: "extra audience with azp", fault: oauthtest.IDTokenFault{ExtraAudience: "api"}},
		{name: "extra audience without azp", fault: oauthtest.IDTokenFault{ExtraAudience: "api", OmitClaims: []string{"azp"}}, wantErr: oidc.ErrInvalidAuthorizedParty},
		{name: "wrong azp", fault: oauthtest.IDTokenFault{WrongAZP: true}, wantErr: oidc.ErrInvalidAuthorizedParty},
		{name: "wrong nonce", fault: oauthtest.IDTokenFault{WrongNonce: true}, wantErr: oidc.ErrInvalidNonce},
		{name: "no nonce", fault: oauthtest.IDTokenFault{OmitNonce: true}, wantErr: oidc.ErrInvalidNonce},
		{name: "wrong at_hash", fault: oauthtest.IDTokenFault{WrongAtHash: true}, wantErr: oidc.ErrInvalidAtHash},
		{name: "no at_hash in implicit", responseType: "id_token token", fault: oauthtest.IDTokenFault{OmitAtHash: true}, wantErr: oidc.ErrMissingAtHash},
		{name: "wrong c_hash", responseType: "code id_token", fault: oauthtest.IDTokenFault{WrongCHash: true}, wantErr: oidc.ErrInvalidCHash},
		{name: "no c_hash in hybrid", responseType: "code id_token", fault: oauthtest.IDTokenFault{OmitCHash: true}, wantErr: oidc.ErrMissingCHash},
		{name: "expired", fault: oauthtest.IDTokenFault{Expired: true}, wantErr: oidc.ErrIDTokenExpired},
		{name: "issued in future", fault: oauthtest.IDTokenFault{IssuedInFuture: true}, wantErr: oidc.ErrIssuedInFuture},
		{name: "old auth_time", opts: []oauthkit.AuthURLOption{maxAge}, fault: oauthtest.IDTokenFault{OldAuthTime: true}, wantErr: oidc.ErrAuthTooOld},
		{name: "no auth_time", opts: []oauthkit.AuthURLOption{maxAge}, fault: oauthtest.IDTokenFault{OmitClaims: []string{"auth_time"}}, wantErr: oidc.ErrAuthTimeRequired},
		{name: "no sub", fault: oauthtest.IDTokenFault{OmitClaims: []string{"sub"}}, wantErr: oidc.ErrMissingClaim},
		{name: "no iat", fault: oauthtest.IDTokenFault{OmitClaims: []string{"iat"}}, wantErr: oidc.ErrMissingClaim},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

func TestProvider_oauthtest_pathIssuer(t *testing.T) {
	t.Parallel()
	srv := oauthtest.NewUnstartedServer()
	srv.Start()
	t.Cleanup(srv.Close)
	srv.Issuer = srv.URL + "/tenant1" // before any request
	for _, style := range []oidc.DiscoveryStyle{oidc.OpenIDConfiguration, oidc.OAuthAuthorizationServer} {
		p, err := oidc.NewProvider(t.Context(), srv.Issuer, oidc.ProviderConfig{Style: style})
		if err != nil {
			t.Fatalf("NewProvider(style %d) = %v", style, err)
		}
		if p.Issuer() != srv.Issuer || p.Metadata().JWKSURL != srv.JWKSURL() {
			t.Errorf("issuer %q, jwks_uri %q; want %q, %q", p.Issuer(), p.Metadata().JWKSURL, srv.Issuer, srv.JWKSURL())
		}
	}
	if _, err := oidc.NewProvider(t.Context(), srv.URL, oidc.ProviderConfig{}); err == nil {
		t.Error("NewProvider(issuer without its path) succeeded")
	}
}

func TestProvider_UserInfo_oauthtestSigned(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := oauthtest.NewServer()
	t.Cleanup(srv.Close)
	srv.UserInfoSigned = true
	client := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"https://app.example/cb"}})
	p, err := oidc.NewProvider(ctx, srv.URL, oidc.ProviderConfig{ClientID: client.ID})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := p.Config(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret, RedirectURL: "https://app.example/cb", Scopes: []string{"openid", "email"}})
	s, _ := oauthkit.NewSession(cfg)
	ar, _ := s.AuthorizationURL()
	callback, _ := srv.Authorize(ctx, ar.URL)
	tok, err := s.ExchangeAuthorizationResponse(ctx, callback, *ar)
	if err != nil {
		t.Fatal(err)
	}
	info, err := p.UserInfo(ctx, tok, "user-1")
	if err != nil || !info.Signed || info.Email != "alice@example.com" {
		t.Fatalf("UserInfo() = %+v, %v; want a signed answer for alice", info, err)
	}
	if _, err := p.UserInfo(ctx, tok, "user-2"); !errors.Is(err, oidc.ErrSubjectMismatch) {
		t.Errorf("UserInfo(other subject) = %v, want ErrSubjectMismatch", err)
	}
}

func TestSession_oauthtest_refresh(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	srv := oauthtest.NewServer()
	t.Cleanup(srv.Close)
	client := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"https://app.example/cb"}})
	p, err := oidc.NewProvider(ctx, srv.URL, oidc.ProviderConfig{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := p.Config(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret, RedirectURL: "https://app.example/cb", Scopes: []string{"openid", "offline_access"}})
	s, _ := oauthkit.NewSession(cfg)
	ar, _ := s.AuthorizationURL()
	callback, _ := srv.Authorize(ctx, ar.URL)
	if _, err := s.ExchangeAuthorizationResponse(ctx, callback, *ar); err != nil {
		t.Fatal(err)
	}
	tok, err := s.Refresh(ctx)
	if err != nil {
		t.Fatalf("Refresh() = %v", err)
	}
	if _, err := p.Verifier(client.ID).Verify(ctx, tok.IDToken, oidc.ExpectSubject("user-1")); err != nil {
		t.Errorf("refreshed ID token: %v", err)
	}
	srv.InjectIDTokenFault(oauthtest.IDTokenFault{WrongAudience: true, Times: 1})
	if _, err := s.Refresh(ctx); !errors.Is(err, oidc.ErrInvalidAudience) {
		t.Errorf("Refresh(wrong aud) = %v, want ErrInvalidAudience", err)
	}
}
