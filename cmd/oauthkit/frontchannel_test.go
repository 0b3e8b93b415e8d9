package main

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/oauthkit/oauthkit/oauthtest"
)

// hmacSecret is long enough to sign request objects with HS256.
const hmacSecret = "0123456789abcdef0123456789abcdef-cli"

// TestLogin_frontChannel logs in with --par, --request-object and the
// JWT response modes against oauthtest, playing the browser, form posts
// included.
func TestLogin_frontChannel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want func(t *testing.T, authURL string, f *fixture)
	}{
		{name: "par", args: []string{"--par"}, want: func(t *testing.T, authURL string, f *fixture) {
			if q := mustQuery(t, authURL); len(q) != 2 || q.Get("request_uri") == "" {
				t.Errorf("authorization URL %s; want client_id and request_uri only", authURL)
			}
		}},
		{name: "request object", args: []string{"--request-object"}, want: func(t *testing.T, authURL string, f *fixture) {
			if q := mustQuery(t, authURL); q.Get("request") == "" || q.Has("state") {
				t.Errorf("authorization URL %s; want a request object", authURL)
			}
		}},
		{name: "par and request object", args: []string{"--par", "--request-object"}, want: func(t *testing.T, authURL string, f *fixture) {
			if form := lastForm(t, f.srv, oauthtest.PushedAuthorizationEndpoint); form.Get("request") == "" {
				t.Errorf("pushed form %v; want a request object", form)
			}
		}},
		{name: "jarm", args: []string{"--response-mode", "jwt"}},
		{name: "jarm form post", args: []string{"--response-mode", "form_post.jwt"}},
		{name: "form post", args: []string{"--response-mode", "form_post"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			port := strconv.Itoa(freePort(t))
			f := newFixture(t, oauthtest.Client{RedirectURIs: []string{"http://127.0.0.1:" + port + "/callback"}, Secret: hmacSecret})
			args := append([]string{"login", "--no-browser", "--redirect-port", port, "-p", "fc", "--issuer", f.srv.URL, "--client-id", f.client.ID}, tt.args...)
			bg := runBackground(t, f.env, args...)
			authURL := bg.waitFor(t, regexp.MustCompile(`(?m)^  (http://\S+/authorize\?\S+)$`))
			if tt.want != nil {
				tt.want(t, authURL, f)
			}
			playBrowser(t, f.srv, authURL, slices.ContainsFunc(tt.args, func(a string) bool { return strings.HasPrefix(a, "form_post") }))
			if r := bg.result(t); r.code != exitOK {
				t.Fatalf("login %v: exit %d\n%s", tt.args, r.code, r.stderr)
			}
		})
	}
}

// playBrowser follows authURL to the loopback redirect, posting the form
// of a form_post answer as a browser would, and checks the page.
func playBrowser(t *testing.T, srv *oauthtest.Server, authURL string, formPost bool) {
	t.Helper()
	cb, err := srv.Authorize(t.Context(), authURL)
	if err != nil {
		t.Fatal(err)
	}
	var code int
	var page string
	if formPost {
		u, _ := url.Parse(cb)
		form := u.Query()
		u.RawQuery = ""
		code, page = postForm(t, u.String(), form)
	} else {
		code, page = browse(t, cb)
	}
	if code != http.StatusOK || !strings.Contains(page, "Logged in") {
		t.Errorf("browser page: %d %s", code, page)
	}
}

func postForm(t *testing.T, u string, form url.Values) (int, string) {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(page)
}

func mustQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query()
}

func TestLogin_frontChannelUsage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, oauthtest.Client{})
	for _, args := range [][]string{
		{"--response-mode", "fragment.jwt", "--issuer", f.srv.URL},
		{"--response-mode", "jwt", "--auth-url", f.srv.AuthorizationURL(), "--token-url", f.srv.TokenURL()},
		{"--par", "--grant", "client_credentials", "--token-url", f.srv.TokenURL()},
	} {
		r := f.run(t, append([]string{"login", "--no-browser", "--client-id", f.client.ID}, args...)...)
		if r.code != exitUsage {
			t.Errorf("login %v: exit %d; want %d\n%s", args, r.code, exitUsage, r.stderr)
		}
	}
}
