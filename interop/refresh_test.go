//go:build interop

package interop

import (
	"net/url"
	"testing"
)

func refreshForm(refreshToken string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refreshToken}}
}

// loggedIn runs an authorization code flow for c and returns its tokens.
func loggedIn(t *testing.T, c client) tokenResponse {
	t.Helper()
	a := newAuthRequest(c, scopeOpenID)
	tok := exchange(t, a, code(t, a))
	if tok.RefreshToken == "" {
		t.Fatal("no refresh_token")
	}
	return tok
}

// TestRefreshToken_rotation checks RFC 6749 section 6 refreshes, the
// rotation server.mjs turns on, and that reusing a rotated refresh token
// revokes the whole grant (RFC 9700 section 4.14.2).
func TestRefreshToken_rotation(t *testing.T) {
	t.Parallel()
	for _, c := range allClients {
		t.Run(c.Method, func(t *testing.T) {
			t.Parallel()
			first := loggedIn(t, c)
			second := token(t, c, refreshForm(first.RefreshToken))
			if second.RefreshToken == "" || second.RefreshToken == first.RefreshToken {
				t.Fatalf("refresh_token after refresh = %q; want a new one", second.RefreshToken)
			}
			if second.AccessToken == first.AccessToken {
				t.Error("access_token after refresh is the old one")
			}
			if second.IDToken == "" {
				t.Error("no id_token after refresh")
			}
			userInfo(t, second.AccessToken)

			_, err := tryToken(t.Context(), c, refreshForm(first.RefreshToken))
			wantErrorCode(t, err, "invalid_grant")
			_, err = tryToken(t.Context(), c, refreshForm(second.RefreshToken))
			wantErrorCode(t, err, "invalid_grant")
		})
	}
}

// TestRefreshToken_otherClient checks that a refresh token is bound to the
// client it was issued to.
func TestRefreshToken_otherClient(t *testing.T) {
	t.Parallel()
	tok := loggedIn(t, basicClient)
	_, err := tryToken(t.Context(), postClient, refreshForm(tok.RefreshToken))
	wantErrorCode(t, err, "invalid_grant")
}

// TestRevocation checks RFC 7009 revocation as seen through RFC 7662
// introspection.
func TestRevocation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		pick func(tokenResponse) string
		hint string
	}{
		{"access token", func(r tokenResponse) string { return r.AccessToken }, "access_token"},
		{"refresh token", func(r tokenResponse) string { return r.RefreshToken }, "refresh_token"},
		{"no hint", func(r tokenResponse) string { return r.RefreshToken }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok := tt.pick(loggedIn(t, basicClient))
			if got := introspect(t, basicClient, tok); !got.Active || got.Sub != testUser["sub"] || got.ClientID != basicClient.ID {
				t.Fatalf("introspection before revocation = %+v; want active, sub %v, client_id %q", got, testUser["sub"], basicClient.ID)
			}
			form := url.Values{"token": {tok}}
			if tt.hint != "" {
				form.Set("token_type_hint", tt.hint)
			}
			if err := postForm(t.Context(), basicClient, op.Meta.RevocationEndpoint, form, nil); err != nil {
				t.Fatalf("revoke: %v", err)
			}
			if got := introspect(t, basicClient, tok); got.Active {
				t.Errorf("introspection after revocation = %+v; want inactive", got)
			}
			// RFC 7009 section 2.2: an invalid token is not an error.
			if err := postForm(t.Context(), basicClient, op.Meta.RevocationEndpoint, form, nil); err != nil {
				t.Errorf("revoke again: %v", err)
			}
		})
	}
}
