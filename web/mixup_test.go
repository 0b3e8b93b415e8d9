package web_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/web"
)

// A flow completes only where it was started: a login's state at another
// provider's callback (a mix-up), a logout's state at a login callback,
// and a login's state at the logout return are all refused.
func TestCallback_flowElsewhere(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		visit func(t *testing.T, a *app, b *browser) string // the URL to visit
		step  string
	}{
		{
			name: "another provider's callback",
			visit: func(t *testing.T, a *app, b *browser) string {
				return strings.Replace(stopAtCallback(t, a, b), "/callback/op?", "/callback/other?", 1)
			},
			step: "callback",
		},
		{
			name: "logout state at the login callback",
			visit: func(t *testing.T, a *app, b *browser) string {
				state := startLogout(t, a, b)
				return a.srv.URL + "/callback/op?" + url.Values{"code": {"c"}, "state": {state}, "iss": {a.op.URL}}.Encode()
			},
			step: "callback",
		},
		{
			name: "login state at the logout return",
			visit: func(t *testing.T, a *app, b *browser) string {
				cb := mustURL(t, stopAtCallback(t, a, b))
				return a.srv.URL + "/logout/return?" + url.Values{"state": {cb.Query().Get("state")}}.Encode()
			},
			step: "logout return",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := newApp(t, appOptions{})
			c := a.op.RegisterClient(oauthtest.Client{RedirectURIs: []string{a.srv.URL + "/callback/other"}})
			if _, err := a.login.Register(t.Context(), web.Provider{
				Name: "other", Issuer: a.op.URL, ClientID: c.ID, ClientSecret: c.Secret, Scopes: []string{"openid"},
			}); err != nil {
				t.Fatal(err)
			}
			b := newBrowser(t, a)
			got := b.get(tc.visit(t, a, b))
			if got.status != http.StatusBadRequest || reason(got.body) != "state_mismatch" {
				t.Fatalf("visit = %d %q; want 400 with reason state_mismatch", got.status, got.body)
			}
			we, ok := errors.AsType[*web.Error](a.lastError())
			if !ok || we.Step != tc.step || !errors.Is(we, oauthkit.ErrStateMismatch) {
				t.Errorf("ErrorHandler got %v; want ErrStateMismatch at step %q", a.lastError(), tc.step)
			}
			if res := a.lastResult(); res != nil {
				t.Errorf("OnLogin ran with %+v", res)
			}
		})
	}
}

// startLogout logs in, then posts /logout and returns the state of the
// RP-Initiated Logout request, without following it to the provider.
func startLogout(t *testing.T, a *app, b *browser) string {
	t.Helper()
	if got := b.get(a.srv.URL + "/login/op"); got.body != "home" {
		t.Fatalf("login ended on %q", got.body)
	}
	a.mu.Lock()
	a.results = nil
	a.mu.Unlock()
	b.stop = a.op.URL
	defer func() { b.stop = "" }()
	out := b.post(a.srv.URL+"/logout", url.Values{})
	if !strings.HasPrefix(out.location, a.op.EndSessionURL()) {
		t.Fatalf("POST /logout = %d, Location %q; want the end-session endpoint", out.status, out.location)
	}
	return mustURL(t, out.location).Query().Get("state")
}
