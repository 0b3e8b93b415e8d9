//go:build interop

package interop

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oidc"
	"github.com/oauthkit/oauthkit/registration"
)

// TestLogout logs a user in with a client registered for back-channel
// logout, then logs out at the provider (RP-Initiated Logout) in the same
// browser: the provider posts a logout token to the test's handler, which
// verifies it, and sends the browser back with the state.
func TestLogout(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	var (
		mu      sync.Mutex
		logouts []*oidc.LogoutToken
		handler http.Handler
	)
	rp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(rp.Close)
	c := register(t, registration.Metadata{
		BackChannelLogoutURI: rp.URL + "/backchannel-logout", BackChannelLogoutSessionRequired: true,
		PostLogoutRedirectURIs: []string{redirectURI},
	})
	handler = oidc.NewBackChannelLogoutHandler(idp.LogoutTokenVerifier(c.ClientID), func(_ context.Context, lt *oidc.LogoutToken) error {
		mu.Lock()
		defer mu.Unlock()
		logouts = append(logouts, lt)
		return nil
	})

	s := registeredSession(t, c)
	ar, err := s.AuthorizationURL(oauthkit.WithParam("prompt", "consent"))
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser()
	end, err := b.visit(ctx, ar.URL, loginFields(""))
	if err != nil || end.redirect == "" {
		t.Fatalf("login: %v %.200s", err, end.page)
	}
	tok := exchange(t, s, ar, end.redirect)
	idt, err := idp.Verifier(c.ClientID).Verify(ctx, tok.IDToken)
	if err != nil {
		t.Fatal(err)
	}
	var claims struct {
		Sid string `json:"sid"`
	}
	if err := idt.Claims(&claims); err != nil || claims.Sid == "" {
		t.Fatalf("ID token has no sid (%v)", err)
	}

	state := oauthkit.GenerateState()
	u, err := idp.EndSessionURL(oidc.LogoutRequest{IDTokenHint: tok.IDToken, PostLogoutRedirectURI: redirectURI, State: state})
	if err != nil {
		t.Fatal(err)
	}
	end, err = b.visit(ctx, u, nil) // confirms the logout
	if err != nil || end.redirect == "" {
		t.Fatalf("logout: %v %.200s", err, end.page)
	}
	if err := oidc.CheckLogoutReturn(end.redirect, state); err != nil {
		t.Errorf("CheckLogoutReturn(%q): %v", end.redirect, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(logouts) != 1 || logouts[0].SessionID != claims.Sid || logouts[0].Subject != testUser["sub"] || logouts[0].Issuer != op.Issuer {
		t.Fatalf("back-channel logouts = %+v; want one for sid %q", logouts, claims.Sid)
	}
}
