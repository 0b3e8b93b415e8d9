package oauthkit

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"testing"
)

// recordingValidator records what it is asked and answers with claims
// that name the token it verified.
type recordingValidator struct {
	mu     sync.Mutex // guards checks
	checks []IDTokenCheck
	err    error
}

// fakeClaims are the claims recordingValidator "verified".
type fakeClaims struct{ raw string }

func (c *fakeClaims) Claims(v any) error { return json.Unmarshal([]byte(`{"sub":"`+c.raw+`"}`), v) }

func (v *recordingValidator) ValidateIDToken(_ context.Context, tok *Token, c IDTokenCheck) (IDTokenClaims, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.checks = append(v.checks, c)
	if v.err != nil {
		return nil, v.err
	}
	return &fakeClaims{raw: tok.IDToken}, nil
}

// verifiedSub returns the sub of the claims the session kept, or "".
func verifiedSub(t *testing.T, tok *Token) string {
	t.Helper()
	if tok == nil || tok.IDTokenClaims == nil {
		return ""
	}
	var c struct {
		Sub string `json:"sub"`
	}
	if err := tok.IDTokenClaims.Claims(&c); err != nil {
		t.Fatal(err)
	}
	return c.Sub
}

func TestSession_idTokenValidation(t *testing.T) {
	t.Parallel()
	withID := func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"access_token": "a", "token_type": "Bearer", "id_token": "h.p.s"})
	}
	tests := []struct {
		name      string
		handler   http.HandlerFunc
		scopes    []string
		verr      error
		wantErr   error
		wantCheck bool
	}{
		{name: "validated with nonce", handler: withID, scopes: []string{"openid"}, wantCheck: true},
		{name: "rejected", handler: withID, scopes: []string{"openid"}, verr: errors.New("bad aud"), wantCheck: true},
		{name: "openid without id_token", handler: tokenJSON("a", "", 0), scopes: []string{"openid"}, wantErr: ErrInvalidTokenResponse},
		{name: "no openid no id_token", handler: tokenJSON("a", "", 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, tt.handler)
			v := &recordingValidator{err: tt.verr}
			s := mustSession(t, Config{TokenURL: srv.URL, AuthURL: "https://as.example/a", Scopes: tt.scopes, IDTokenValidator: v})
			ar, err := s.AuthorizationURL(WithParam("max_age", "300"))
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.ExchangeAuthorizationResponse(t.Context(), "https://app.example/cb?code=c9&state="+ar.State, *ar)
			switch {
			case tt.verr != nil:
				if !errors.Is(err, tt.verr) || s.Token() != nil {
					t.Errorf("err = %v, token = %v; want the validator's error and no token", err, s.Token())
				}
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("err = %v, want %v", err, tt.wantErr)
				}
			case err != nil:
				t.Fatal(err)
			}
			if tok := s.Token(); tt.wantCheck && tt.verr == nil && verifiedSub(t, tok) != "h.p.s" {
				t.Errorf("Token().IDTokenClaims = %v; want the validator's claims", tok.IDTokenClaims)
			}
			if got := len(v.checks) == 1; got != tt.wantCheck {
				t.Fatalf("validator calls = %d", len(v.checks))
			}
			if tt.wantCheck {
				c := v.checks[0]
				if c.Nonce != ar.Nonce || c.Nonce == "" || c.MaxAge != "300" || c.Code != "c9" || c.GrantType != GrantTypeAuthorizationCode || c.ResponseType != "code" {
					t.Errorf("check = %+v", c)
				}
			}
		})
	}
}

// A refresh answer without an ID token keeps the old one and does not
// validate it again (it may have expired since).
func TestSession_refreshKeepsIDTokenUnvalidated(t *testing.T) {
	t.Parallel()
	srv := newFake(t, tokenJSON("a2", "", 3600))
	v := &recordingValidator{err: errors.New("expired")}
	s := mustSession(t, Config{TokenURL: srv.URL, Scopes: []string{"openid"}, IDTokenValidator: v})
	s.SetToken(&Token{AccessToken: "a1", TokenType: "Bearer", RefreshToken: "r1", IDToken: "old.id.token"})
	tok, err := s.Refresh(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if tok.IDToken != "old.id.token" || len(v.checks) != 0 {
		t.Errorf("IDToken = %q, validator calls = %d", tok.IDToken, len(v.checks))
	}
}

// A refresh keeps the verified claims with the ID token they belong to:
// a new ID token is validated against the old one and replaces its
// claims; no new ID token keeps both.
func TestSession_refreshIDTokenClaims(t *testing.T) {
	t.Parallel()
	var n int
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		n++
		m := map[string]any{"access_token": "a", "token_type": "Bearer", "expires_in": 3600}
		if n == 1 {
			m["id_token"] = "new.id.token"
		}
		writeJSON(w, 200, m)
	})
	v := &recordingValidator{}
	s := mustSession(t, Config{TokenURL: srv.URL, Scopes: []string{"openid"}, IDTokenValidator: v})
	s.SetToken(&Token{AccessToken: "a1", TokenType: "Bearer", RefreshToken: "r1", IDToken: "old.id.token", IDTokenClaims: &fakeClaims{raw: "old.id.token"}})
	tok, err := s.Refresh(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(v.checks) != 1 || v.checks[0].PreviousIDToken != "old.id.token" || v.checks[0].GrantType != GrantTypeRefreshToken {
		t.Fatalf("checks = %+v; want one refresh check against the old ID token", v.checks)
	}
	if got := verifiedSub(t, tok); got != "new.id.token" {
		t.Errorf("claims after refresh with an ID token = %q; want the new token's", got)
	}
	tok, err = s.Refresh(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if tok.IDToken != "new.id.token" || verifiedSub(t, tok) != "new.id.token" || verifiedSub(t, s.Token()) != "new.id.token" {
		t.Errorf("after a refresh without an ID token: IDToken %q, claims %q; want both kept", tok.IDToken, verifiedSub(t, tok))
	}
}

// Verified claims are not part of the stored form: a restored token has
// none until it is verified again.
func TestToken_JSONDropsIDTokenClaims(t *testing.T) {
	t.Parallel()
	in := Token{AccessToken: "a", TokenType: "Bearer", IDToken: "h.p.s", IDTokenClaims: &fakeClaims{raw: "h.p.s"}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out Token
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.IDToken != "h.p.s" || out.IDTokenClaims != nil {
		t.Errorf("round trip = IDToken %q, claims %v; want the ID token without claims", out.IDToken, out.IDTokenClaims)
	}
	if c := in.Clone(); verifiedSub(t, c) != "h.p.s" {
		t.Errorf("Clone() lost the claims")
	}
}

// The hybrid flow (OpenID Connect Core 3.3.2.5): a response_type with
// id_token needs an ID token in the authorization response, and the token
// endpoint's ID token is validated against the front-channel one.
func TestSession_hybridIDToken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		responseType string
		query        string
		wantErr      error
		wantChecks   int
	}{
		{name: "code id_token without id_token", responseType: "code id_token", query: "code=c1", wantErr: ErrMissingIDToken},
		{name: "id_token token without id_token", responseType: "id_token token", query: "access_token=a&token_type=Bearer", wantErr: ErrMissingIDToken},
		{name: "code id_token", responseType: "code id_token", query: "code=c1&id_token=front.id.token", wantChecks: 2},
		{name: "code", responseType: "code", query: "code=c1", wantChecks: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 200, map[string]any{"access_token": "a", "token_type": "Bearer", "id_token": "back.id.token"})
			})
			v := &recordingValidator{}
			s := mustSession(t, Config{TokenURL: srv.URL, AuthURL: "https://as.example/a", Scopes: []string{"openid"}, IDTokenValidator: v})
			ar, err := s.AuthorizationURL(WithResponseType(tt.responseType))
			if err != nil {
				t.Fatal(err)
			}
			tok, err := s.ExchangeAuthorizationResponse(t.Context(), "https://app.example/cb?"+tt.query+"&state="+ar.State, *ar)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v; want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				if n := srv.count.Load(); n != 0 || s.Token() != nil {
					t.Errorf("token requests = %d, token = %v; want none", n, s.Token())
				}
				return
			}
			if len(v.checks) != tt.wantChecks {
				t.Fatalf("validator calls = %d; want %d", len(v.checks), tt.wantChecks)
			}
			back := v.checks[len(v.checks)-1]
			wantPrev := ""
			if tt.wantChecks == 2 {
				wantPrev = "front.id.token"
			}
			if back.PreviousIDToken != wantPrev || back.GrantType != GrantTypeAuthorizationCode {
				t.Errorf("token endpoint check = %+v; want PreviousIDToken %q", back, wantPrev)
			}
			if got := verifiedSub(t, tok); got != "back.id.token" {
				t.Errorf("claims = %q; want the token endpoint's ID token", got)
			}
		})
	}
}
