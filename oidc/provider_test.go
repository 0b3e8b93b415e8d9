package oidc

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
)

// testProvider starts a discovery server with extra members and returns
// its provider.
func testProvider(t *testing.T, extra map[string]any, cfg ProviderConfig) (*Provider, string) {
	t.Helper()
	base := discoveryServer(t, "", func(base string) map[string]any {
		m := map[string]any{
			"issuer": base, "authorization_endpoint": base + "/authorize", "token_endpoint": base + "/token",
			"userinfo_endpoint": base + "/userinfo", "jwks_uri": base + "/jwks",
			"revocation_endpoint": base + "/revoke", "introspection_endpoint": base + "/introspect",
			"device_authorization_endpoint":         base + "/device",
			"id_token_signing_alg_values_supported": []string{"ES256", "HS256", "none"},
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	})
	if cfg.Now == nil {
		cfg.Now = fixedNow
	}
	p, err := NewProvider(t.Context(), base, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p, base
}

func TestProvider_Verifier_remoteKeys(t *testing.T) {
	t.Parallel()
	p, base := testProvider(t, nil, ProviderConfig{})
	if got, want := p.Algorithms(), []string{jose.RS256, jose.ES256}; !slices.Equal(got, want) {
		t.Errorf("Algorithms() = %q, want %q", got, want)
	}
	raw := sign(t, testES256(), with(baseClaims(), map[string]any{"iss": base}))
	tok, err := p.Verifier(testClientID).Verify(t.Context(), raw)
	if err != nil {
		t.Fatalf("Verify() = %v", err)
	}
	if tok.Email != "alice@example.com" {
		t.Errorf("Email = %q", tok.Email)
	}
	raw = sign(t, testES256b(), with(baseClaims(), map[string]any{"iss": base}))
	if _, err := p.Verifier(testClientID).Verify(t.Context(), raw); !errors.Is(err, ErrInvalidSignature) {
		t.Errorf("Verify(unknown key) = %v, want ErrInvalidSignature", err)
	}
}

func TestProvider_Config(t *testing.T) {
	t.Parallel()
	p, base := testProvider(t, map[string]any{
		"authorization_response_iss_parameter_supported": true,
		"code_challenge_methods_supported":               []string{"plain"},
		"token_endpoint_auth_methods_supported":          []string{"client_secret_post", "client_secret_basic"},
	}, ProviderConfig{})
	in := oauthkit.Config{ClientID: testClientID, ClientSecret: "s", Scopes: []string{"openid"}, RevocationURL: "https://mine.example/revoke"}
	got, err := p.Config(in)
	if err != nil {
		t.Fatal(err)
	}
	if in.AuthURL != "" || in.AuthMethod != "" {
		t.Error("Config changed its argument")
	}
	want := oauthkit.Config{
		ClientID: testClientID, ClientSecret: "s", Scopes: []string{"openid"},
		AuthURL: base + "/authorize", TokenURL: base + "/token", RevocationURL: "https://mine.example/revoke",
		IntrospectionURL: base + "/introspect", DeviceAuthURL: base + "/device",
		Issuer: base, RequireIssuerParameter: true, PKCE: oauthkit.PKCEPlain, AuthMethod: oauthkit.ClientSecretBasic,
	}
	opt := cmp.FilterPath(func(p cmp.Path) bool {
		f := p.Last().String()
		return f == ".IDTokenValidator" || f == ".Now" || f == ".JARMVerifier"
	}, cmp.Ignore())
	if diff := cmp.Diff(want, got, opt); diff != "" {
		t.Errorf("Config() mismatch (-want +got):\n%s", diff)
	}
	if _, ok := got.IDTokenValidator.(*Verifier); !ok {
		t.Errorf("IDTokenValidator = %T, want *Verifier", got.IDTokenValidator)
	}
	if _, ok := got.JARMVerifier.(*JARMVerifier); !ok {
		t.Errorf("JARMVerifier = %T, want *JARMVerifier", got.JARMVerifier)
	}
	if _, err := oauthkit.NewSession(got); err != nil {
		t.Errorf("NewSession(Config()) = %v", err)
	}

	kept, err := p.Config(oauthkit.Config{ClientID: "c", AuthMethod: oauthkit.ClientSecretPost, PKCE: oauthkit.PKCES256, Issuer: "https://x"})
	if err != nil || kept.AuthMethod != oauthkit.ClientSecretPost || kept.PKCE != oauthkit.PKCES256 || kept.Issuer != "https://x" {
		t.Errorf("Config() overrode the caller's choices: %v, %+v", err, kept)
	}
	if _, err := p.Config(oauthkit.Config{ClientID: "public"}); !errors.Is(err, ErrNoAuthMethod) {
		t.Errorf("Config(public client, no none) = %v, want ErrNoAuthMethod", err)
	}
}

func TestChooseAuthMethod(t *testing.T) {
	t.Parallel()
	all := []string{"none", "private_key_jwt", "client_secret_jwt", "client_secret_post", "client_secret_basic"}
	tests := []struct {
		name              string
		supported         []string
		hasSecret, hasKey bool
		want              string
		wantErr           error
	}{
		{"absent list means basic", nil, true, false, "client_secret_basic", nil},
		{"absent list, public client", nil, false, false, "", ErrNoAuthMethod},
		{"secret prefers basic", all, true, false, "client_secret_basic", nil},
		{"secret then post", []string{"client_secret_jwt", "client_secret_post"}, true, false, "client_secret_post", nil},
		{"secret then jwt", []string{"private_key_jwt", "client_secret_jwt"}, true, false, "client_secret_jwt", nil},
		{"secret, nothing usable", []string{"private_key_jwt", "none"}, true, false, "", ErrNoAuthMethod},
		{"public client", all, false, false, "none", nil},
		{"key prefers private_key_jwt", all, true, true, "private_key_jwt", nil},
		{"key only", []string{"client_secret_basic", "private_key_jwt"}, false, true, "private_key_jwt", nil},
		{"key unsupported, secret", []string{"client_secret_post"}, true, true, "client_secret_post", nil},
		{"key unsupported, no secret", []string{"client_secret_post", "none"}, false, true, "", ErrNoAuthMethod},
	}
	for _, tc := range tests {
		got, err := ChooseAuthMethod(tc.supported, tc.hasSecret, tc.hasKey)
		if got != tc.want || !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
			t.Errorf("%s: ChooseAuthMethod() = %q, %v; want %q, %v", tc.name, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestNewProviderFromMetadata(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		m       *Metadata
		wantErr error
	}{
		{"nil", nil, ErrInvalidMetadata},
		{"no issuer", &Metadata{}, ErrInvalidMetadata},
		{"http endpoint", &Metadata{Issuer: "https://a", TokenEndpoint: "http://a.example/token"}, ErrInvalidMetadata},
		{"http jwks", &Metadata{Issuer: "https://a", JWKSURL: "http://a.example/jwks"}, ErrInvalidMetadata},
		{"ok", &Metadata{Issuer: "https://a", TokenEndpoint: "https://a/token", JWKSURL: "https://a/jwks"}, nil},
	}
	for _, tc := range tests {
		_, err := NewProviderFromMetadata(tc.m, ProviderConfig{})
		if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
			t.Errorf("%s: NewProviderFromMetadata() = %v, want %v", tc.name, err, tc.wantErr)
		}
	}
	m := &Metadata{Issuer: "https://a", ScopesSupported: []string{"openid"}}
	p, err := NewProviderFromMetadata(m, ProviderConfig{Keys: publicSet(testES256())})
	if err != nil {
		t.Fatal(err)
	}
	m.ScopesSupported[0] = "changed"
	if got := p.Metadata().ScopesSupported[0]; got != "openid" {
		t.Errorf("provider shares the caller's metadata: %q", got)
	}
	if p.Keys() == nil || p.Issuer() != "https://a" {
		t.Errorf("Keys() = %v, Issuer() = %q", p.Keys(), p.Issuer())
	}
}

func TestProvider_noKeys(t *testing.T) {
	t.Parallel()
	p, err := NewProviderFromMetadata(&Metadata{Issuer: testIssuer}, ProviderConfig{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	raw := sign(t, testES256(), baseClaims())
	if _, err := p.Verifier(testClientID).Verify(t.Context(), raw); !errors.Is(err, oauthkit.ErrInvalidConfig) {
		t.Errorf("Verify without keys = %v, want oauthkit.ErrInvalidConfig", err)
	}
}

func TestProvider_Config_clientSecretJWT(t *testing.T) {
	t.Parallel()
	p, _ := testProvider(t, map[string]any{
		"token_endpoint_auth_methods_supported":            []string{"client_secret_jwt"},
		"token_endpoint_auth_signing_alg_values_supported": []string{"RS256", "HS512"},
	}, ProviderConfig{})
	got, err := p.Config(oauthkit.Config{ClientID: "c", ClientSecret: "s"})
	if err != nil || got.AuthMethod != oauthkit.ClientSecretJWT || got.ClientAssertionAlg != jose.HS512 {
		t.Errorf("Config() = %q, %q, %v; want client_secret_jwt with HS512", got.AuthMethod, got.ClientAssertionAlg, err)
	}
}
