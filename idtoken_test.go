package oauthkit

import (
	"context"
	"errors"
	"net/http"
	"testing"
)

type recordingValidator struct {
	checks []IDTokenCheck
	err    error
}

func (v *recordingValidator) ValidateIDToken(_ context.Context, tok *Token, c IDTokenCheck) error {
	v.checks = append(v.checks, c)
	return v.err
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
