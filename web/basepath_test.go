package web_test

import (
	"net/url"
	"testing"

	"github.com/oauthkit/oauthkit/web"
)

// With a BaseURL path, as behind a proxy that strips it, every redirect
// of the handlers stays below it: to the login, back to the page asked
// for, and back from the logout.
func TestLogin_basePath(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"query", "form_post"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			a := newApp(t, appOptions{prefix: "/app", provider: func(p *web.Provider) { p.ResponseMode = mode }})
			b := newBrowser(t, a)
			got := b.get(a.srv.URL + "/app/profile?tab=2")
			if want := a.srv.URL + "/app/profile?tab=2"; got.url != want || got.body != "profile of user-1" {
				t.Fatalf("GET /app/profile ended on %s: %d %q; want %s", got.url, got.status, got.body, want)
			}
			if got := a.login.LoginURL("op", "/profile"); got != "/app/login/op?next=%2Fprofile" {
				t.Errorf("LoginURL = %q; want it below /app", got)
			}
			b.stop = a.op.URL
			out := b.post(a.srv.URL+"/app/logout", url.Values{"next": {"/bye"}})
			b.stop = a.srv.URL + "/app/bye"
			back := b.get(out.location)
			if back.location != a.srv.URL+"/app/bye" && back.location != "/app/bye" {
				t.Errorf("logout return redirected to %q; want /app/bye", back.location)
			}
		})
	}
}
