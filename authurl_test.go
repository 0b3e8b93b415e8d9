package oauthkit

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestAuthorizationURL(t *testing.T) {
	t.Parallel()
	s := mustSession(t, Config{ClientID: "cid", AuthURL: "https://as.example/authorize?tenant=t1", RedirectURL: "https://app.example/cb", Scopes: []string{"user:email", "repo"}})
	ar, err := s.AuthorizationURL(WithParam("prompt", "consent"), WithParam("login_hint", "a@b"))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(ar.URL)
	q := u.Query()
	want := map[string]string{
		"response_type": "code", "client_id": "cid", "redirect_uri": "https://app.example/cb",
		"scope": "user:email repo", "state": ar.State, "tenant": "t1", "prompt": "consent", "login_hint": "a@b",
		"code_challenge": CodeChallengeS256(ar.CodeVerifier), "code_challenge_method": "S256",
	}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, q.Get(k), v)
		}
	}
	if len(ar.State) < 22 {
		t.Errorf("state %q is shorter than 128 bits", ar.State)
	}
	if q.Has("nonce") {
		t.Error("nonce sent without openid scope")
	}
	if err := checkCodeVerifier(ar.CodeVerifier); err != nil {
		t.Errorf("generated verifier: %v", err)
	}
	ar2, _ := s.AuthorizationURL()
	if ar2.State == ar.State || ar2.CodeVerifier == ar.CodeVerifier {
		t.Error("state or verifier repeated across requests")
	}
}

func TestAuthorizationURL_options(t *testing.T) {
	t.Parallel()
	verifier := strings.Repeat("v", 43)
	tests := []struct {
		name    string
		cfg     Config
		opts    []AuthURLOption
		want    map[string]string // "" value means absent
		wantErr error
	}{
		{name: "plain pkce", opts: []AuthURLOption{WithPKCE(PKCEPlain), WithCodeVerifier(verifier)}, want: map[string]string{"code_challenge": verifier, "code_challenge_method": "plain"}},
		{name: "pkce from config", cfg: Config{PKCE: PKCEPlain}, opts: []AuthURLOption{WithCodeVerifier(verifier)}, want: map[string]string{"code_challenge_method": "plain"}},
		{name: "pkce disabled", opts: []AuthURLOption{WithPKCE(PKCEDisabled)}, want: map[string]string{"code_challenge": "", "code_challenge_method": ""}},
		{name: "supplied verifier", opts: []AuthURLOption{WithCodeVerifier(verifier)}, want: map[string]string{"code_challenge": CodeChallengeS256(verifier)}},
		{name: "short verifier", opts: []AuthURLOption{WithCodeVerifier("short")}, wantErr: ErrInvalidCodeVerifier},
		{name: "long verifier", opts: []AuthURLOption{WithCodeVerifier(strings.Repeat("a", 129))}, wantErr: ErrInvalidCodeVerifier},
		{name: "reserved char", opts: []AuthURLOption{WithCodeVerifier(strings.Repeat("a", 42) + "+")}, wantErr: ErrInvalidCodeVerifier},
		{name: "implicit has no pkce", opts: []AuthURLOption{WithResponseType("token")}, want: map[string]string{"response_type": "token", "code_challenge": ""}},
		{name: "openid gets nonce", cfg: Config{Scopes: []string{"openid", "email"}}, want: map[string]string{"scope": "openid email"}},
		{name: "explicit nonce and state", opts: []AuthURLOption{WithNonce("n-1"), WithState("s-1")}, want: map[string]string{"nonce": "n-1", "state": "s-1"}},
		{name: "scopes override", opts: []AuthURLOption{WithScopes("a", "b"), WithRedirectURL("http://127.0.0.1:9/cb")}, want: map[string]string{"scope": "a b", "redirect_uri": "http://127.0.0.1:9/cb"}},
		{name: "extra params", opts: []AuthURLOption{WithParam("audience", "api"), WithParam("resource", "https://r")}, want: map[string]string{"audience": "api", "resource": "https://r"}},
		{name: "client_id not overridable", opts: []AuthURLOption{WithParam("client_id", "evil")}, want: map[string]string{"client_id": "client"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := tt.cfg
			cfg.AuthURL = "https://as.example/authorize"
			s := mustSession(t, cfg)
			ar, err := s.AuthorizationURL(tt.opts...)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			q := mustQuery(t, ar.URL)
			for k, v := range tt.want {
				if q.Get(k) != v {
					t.Errorf("%s = %q, want %q", k, q.Get(k), v)
				}
			}
			if tt.name == "openid gets nonce" && (ar.Nonce == "" || q.Get("nonce") != ar.Nonce) {
				t.Errorf("nonce = %q, ar.Nonce = %q", q.Get("nonce"), ar.Nonce)
			}
		})
	}
}

func TestAuthorizationURL_noEndpoint(t *testing.T) {
	t.Parallel()
	s := mustSession(t, Config{})
	if _, err := s.AuthorizationURL(); !errors.Is(err, ErrNoEndpoint) {
		t.Errorf("err = %v, want ErrNoEndpoint", err)
	}
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}
