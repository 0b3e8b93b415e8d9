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
