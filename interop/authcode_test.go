//go:build interop

package interop

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oidc"
)

// TestAuthorizationCode runs the life of a login for each client, through
// oauthkit's public API only: authorization URL with PKCE, state and nonce;
// the exchange, which checks state and iss (RFC 9207) and validates the ID
// token; userinfo; a refresh with rotation; introspection; revocation.
func TestAuthorizationCode(t *testing.T) {
	t.Parallel()
	for _, c := range allClients {
		t.Run(c.Method, func(t *testing.T) {
			t.Parallel()
			s := c.session(t)
			ar, tok := logIn(t, s)
			sub := checkIDToken(t, c, tok, ar.Nonce)
			checkUserInfo(t, tok, sub)

			// A second session holds the first token, as another process
			// sharing the same stored token would.
			stale := c.session(t)
			stale.SetToken(tok)
			next := checkRefresh(t, s, tok)
			checkIntrospectRevoke(t, c, s, next)

			// The old refresh token was rotated away (RFC 9700 section
			// 4.14.2): the stale session's refresh fails and keeps its
			// token. The grant is still alive (only an access token was
			// revoked), so rotation is what refuses it.
			_, err := stale.Refresh(t.Context())
			wantOAuthError(t, err, "token", oauthkit.ErrorCodeInvalidGrant)
			if got := stale.Token(); got == nil || got.RefreshToken != tok.RefreshToken {
				t.Errorf("stale session token after a failed refresh = %v; want the old one", got)
			}
			// oidc-provider treats the reuse as a stolen token and revokes
			// the grant, the rotated refresh token included.
			if in := introspect(t, s, next.RefreshToken); in.Active {
				t.Errorf("rotated refresh token after reuse of the old one: active")
			}
		})
	}
}

// checkIDToken verifies the ID token again by hand with the provider's
// verifier and returns its subject. The session has already validated it.
func checkIDToken(t *testing.T, c client, tok *oauthkit.Token, nonce string) string {
	t.Helper()
	idt, err := idp.Verifier(c.ID).Verify(t.Context(), tok.IDToken,
		oidc.ExpectNonce(nonce), oidc.ExpectAccessToken(tok.AccessToken))
	if err != nil {
		t.Fatalf("Verify(id_token): %v", err)
	}
	if idt.Issuer != op.Issuer || idt.Subject != testUser["sub"] || idt.Nonce != nonce {
		t.Errorf("id_token iss %q sub %q nonce %q; want %q %v %q", idt.Issuer, idt.Subject, idt.Nonce, op.Issuer, testUser["sub"], nonce)
	}
	return idt.Subject
}

// checkUserInfo fetches userinfo with tok (oidc.Provider.UserInfo, which
// checks sub) and compares every claim.
func checkUserInfo(t *testing.T, tok *oauthkit.Token, sub string) {
	t.Helper()
	ui, err := idp.UserInfo(t.Context(), tok, sub)
	if err != nil {
		t.Fatalf("UserInfo: %v", err)
	}
	var claims map[string]any
	if err := ui.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(testUser, claims); diff != "" {
		t.Errorf("userinfo (-want +got):\n%s", diff)
	}
}

// checkRefresh refreshes s, whose token is old, and checks the rotation;
// then it calls the userinfo endpoint with s.Get, which authorizes the
// request with the new token.
func checkRefresh(t *testing.T, s *oauthkit.Session, old *oauthkit.Token) *oauthkit.Token {
	t.Helper()
	next, err := s.Refresh(t.Context())
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if next.RefreshToken == "" || next.RefreshToken == old.RefreshToken {
		t.Fatal("refresh token not rotated")
	}
	if next.AccessToken == old.AccessToken {
		t.Error("refresh did not issue a new access token")
	}
	// The session validated the refreshed ID token (OpenID Connect Core
	// section 12.2). oidc-provider may issue the same one again: it has
	// no at_hash and RS256 is deterministic.
	if next.IDToken == "" {
		t.Error("refresh issued no ID token")
	}
	claims := getJSON(t, s, idp.Metadata().UserInfoEndpoint)
	if claims["sub"] != testUser["sub"] {
		t.Errorf("userinfo with the refreshed token: sub = %v; want %v", claims["sub"], testUser["sub"])
	}
	return next
}

// checkIntrospectRevoke introspects s's access token (RFC 7662), revokes it
// (RFC 7009) and introspects it again.
func checkIntrospectRevoke(t *testing.T, c client, s *oauthkit.Session, tok *oauthkit.Token) {
	t.Helper()
	in, err := s.Introspect(t.Context(), "")
	if err != nil {
		t.Fatalf("Introspect: %v", err)
	}
	if !in.Active || in.ClientID != c.ID || in.Subject != testUser["sub"] || in.TokenType != "Bearer" {
		t.Errorf("introspection = %v; want active Bearer for %s and %v", in, c.ID, testUser["sub"])
	}
	if err := s.Revoke(t.Context(), tok.AccessToken); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if got := s.Token(); got != nil {
		t.Errorf("session token after revoking it = %v; want none", got)
	}
	if in := introspect(t, s, tok.AccessToken); in.Active {
		t.Error("revoked access token: active")
	}
}

// introspect asks the introspection endpoint about tok as s's client.
func introspect(t *testing.T, s *oauthkit.Session, tok string) *oauthkit.Introspection {
	t.Helper()
	in, err := s.Introspect(t.Context(), tok)
	if err != nil {
		t.Fatalf("Introspect: %v", err)
	}
	return in
}

// getJSON GETs url with s's token and decodes a 200 JSON answer.
func getJSON(t *testing.T, s *oauthkit.Session, url string) map[string]any {
	t.Helper()
	resp, err := s.Get(t.Context(), url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d: %.300s", url, resp.StatusCode, b)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return m
}

// TestAuthorizationCode_wrongIssuer checks RFC 9207: when the callback's iss
// is not the configured issuer, the exchange fails with ErrAuthorizationIssuerMismatch
// and sends no token request, so the code is still good for the right
// session.
func TestAuthorizationCode_wrongIssuer(t *testing.T) {
	t.Parallel()
	wrong := basicClient.session(t, func(c *oauthkit.Config) { c.Issuer = "http://127.0.0.1:1/other" })
	ar, cb := authorize(t, wrong)
	if _, err := wrong.ExchangeAuthorizationResponse(t.Context(), cb, *ar); !errors.Is(err, oauthkit.ErrAuthorizationIssuerMismatch) {
		t.Fatalf("ExchangeAuthorizationResponse with a wrong issuer: %v; want ErrAuthorizationIssuerMismatch", err)
	}
	if wrong.Token() != nil {
		t.Error("session has a token after an issuer mismatch")
	}
	// The code was not redeemed: the right session can still use it.
	if _, err := basicClient.session(t).ExchangeAuthorizationResponse(t.Context(), cb, *ar); err != nil {
		t.Errorf("exchange of the same code with the right issuer: %v", err)
	}
}

// TestAuthorizationCode_reusedCode checks that redeeming a code twice gives
// invalid_grant and revokes the tokens issued for it (RFC 6749 section
// 4.1.2).
func TestAuthorizationCode_reusedCode(t *testing.T) {
	t.Parallel()
	s := basicClient.session(t)
	ar, cb := authorize(t, s)
	tok, err := s.ExchangeAuthorizationResponse(t.Context(), cb, *ar)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.ExchangeAuthorizationResponse(t.Context(), cb, *ar)
	wantOAuthError(t, err, "token", oauthkit.ErrorCodeInvalidGrant)
	if got := s.Token(); got == nil || got.AccessToken != tok.AccessToken {
		t.Errorf("session token after a failed exchange = %v; want the first one", got)
	}
	if in := introspect(t, s, tok.AccessToken); in.Active {
		t.Error("access token after code reuse: active")
	}
	_, err = s.Refresh(t.Context())
	wantOAuthError(t, err, "token", oauthkit.ErrorCodeInvalidGrant)
}

// TestAuthorizationCode_publicClientNeedsPKCE checks that a public client's
// request without code_challenge is refused at the redirect URI, which the
// exchange reports as an *Error from the authorization endpoint.
func TestAuthorizationCode_publicClientNeedsPKCE(t *testing.T) {
	t.Parallel()
	s := publicClient.session(t)
	ar, cb := authorize(t, s, oauthkit.WithPKCE(oauthkit.PKCEDisabled))
	_, err := s.ExchangeAuthorizationResponse(t.Context(), cb, *ar)
	wantOAuthError(t, err, "authorization", oauthkit.ErrorCodeInvalidRequest)
}

// TestAuthorizationCode_wrongVerifier checks that the token endpoint
// enforces PKCE for a confidential client that used it.
func TestAuthorizationCode_wrongVerifier(t *testing.T) {
	t.Parallel()
	s := basicClient.session(t)
	ar, cb := authorize(t, s)
	ar.CodeVerifier = oauthkit.GenerateCodeVerifier()
	_, err := s.ExchangeAuthorizationResponse(t.Context(), cb, *ar)
	wantOAuthError(t, err, "token", oauthkit.ErrorCodeInvalidGrant)
}

// TestRefreshToken_otherClient checks that a refresh token is bound to the
// client it was issued to.
func TestRefreshToken_otherClient(t *testing.T) {
	t.Parallel()
	_, tok := logIn(t, basicClient.session(t))
	other := postClient.session(t)
	other.SetToken(tok)
	_, err := other.Refresh(t.Context())
	wantOAuthError(t, err, "token", oauthkit.ErrorCodeInvalidGrant)
}

// TestRevocation checks RFC 7009 revocation of access and refresh tokens,
// with the hint the session infers and with none, as seen through RFC 7662
// introspection.
func TestRevocation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		pick func(*oauthkit.Token) string
		opts []oauthkit.RevokeOption
	}{
		{"access token", func(tok *oauthkit.Token) string { return tok.AccessToken }, nil},
		{"refresh token", func(tok *oauthkit.Token) string { return tok.RefreshToken }, nil},
		{"session token no hint", func(*oauthkit.Token) string { return "" }, []oauthkit.RevokeOption{oauthkit.WithTokenTypeHint("")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := basicClient.session(t)
			_, tok := logIn(t, s)
			target := tt.pick(tok)
			if target == "" {
				target = tok.RefreshToken // what Revoke picks
			}
			if in := introspect(t, s, target); !in.Active {
				t.Fatalf("introspection before revocation = %v; want active", in)
			}
			if err := s.Revoke(t.Context(), tt.pick(tok), tt.opts...); err != nil {
				t.Fatalf("Revoke: %v", err)
			}
			if s.Token() != nil {
				t.Error("session still holds the revoked token")
			}
			if in := introspect(t, s, target); in.Active {
				t.Errorf("introspection after revocation = %v; want inactive", in)
			}
			// RFC 7009 section 2.2: an invalid token is not an error.
			if err := s.Revoke(t.Context(), target); err != nil {
				t.Errorf("revoke again: %v", err)
			}
		})
	}
}
