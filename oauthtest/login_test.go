package oauthtest_test

import (
	"crypto/sha256"
	"encoding/base64"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit/oauthtest"
)

// page is an HTML answer of the server.
type page struct {
	status int
	header http.Header
	body   string
}

var inputRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)

// hidden returns the hidden fields of the page's form.
func (p page) hidden() url.Values {
	v := url.Values{}
	for _, m := range inputRE.FindAllStringSubmatch(p.body, -1) {
		v.Add(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	return v
}

// send sends req without following redirects.
func send(t *testing.T, srv *oauthtest.Server, req *http.Request) page {
	t.Helper()
	hc := *srv.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

func sendGet(t *testing.T, srv *oauthtest.Server, u string) page {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return send(t, srv, req)
}

func sendForm(t *testing.T, srv *oauthtest.Server, u string, form url.Values) page {
	t.Helper()
	return send(t, srv, newPost(t, u, form))
}

// loginPage starts an authorization request on a LoginPage server and
// returns the login page.
func startLogin(t *testing.T, srv *oauthtest.Server, params url.Values) page {
	t.Helper()
	p := sendGet(t, srv, srv.AuthorizationURL()+"?"+params.Encode())
	if p.status != http.StatusOK || !strings.Contains(p.body, `id="sign-in"`) {
		t.Fatalf("authorize = %d %q; want the login page", p.status, p.body)
	}
	return p
}

func TestLoginPage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		decision string
		want     string // "code" or an error code
	}{
		{name: "allow", decision: "allow", want: "code"},
		{name: "deny", decision: "deny", want: "access_denied"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, func(s *oauthtest.Server) { s.LoginPage = true })
			c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}})
			params := codeParams(c)
			params.Set("scope", "openid email")
			params.Set("nonce", "n-1")
			login := startLogin(t, srv, params)
			id := login.hidden().Get("login_id")

			wrong := sendForm(t, srv, srv.URL+"/login", url.Values{"login_id": {id}, "username": {"alice"}, "password": {"nope"}})
			if wrong.status != http.StatusUnauthorized || !strings.Contains(wrong.body, "Wrong username or password") {
				t.Fatalf("wrong password = %d %q; want 401 and the login page again", wrong.status, wrong.body)
			}
			consent := sendForm(t, srv, srv.URL+"/login", url.Values{"login_id": {id}, "username": {"alice"}, "password": {"wonderland"}})
			if consent.status != http.StatusOK || !strings.Contains(consent.body, "<li>email</li>") || !strings.Contains(consent.body, `id="allow"`) {
				t.Fatalf("sign in = %d %q; want the consent page listing the scopes", consent.status, consent.body)
			}
			done := sendForm(t, srv, srv.URL+"/login", url.Values{"login_id": {id}, "decision": {tc.decision}})
			loc, err := url.Parse(done.header.Get("Location"))
			if done.status != http.StatusFound || err != nil {
				t.Fatalf("decision = %d %q; want a redirect", done.status, done.body)
			}
			q := loc.Query()
			if got := q.Get("error"); tc.want != "code" && got != tc.want {
				t.Errorf("callback %v; want error %q", q, tc.want)
			}
			if tc.want == "code" {
				if q.Get("code") == "" || q.Get("state") != "xyz" {
					t.Fatalf("callback %v; want a code and state xyz", q)
				}
				wantToken(t, exchange(t, srv, c, q.Get("code"), verifier))
			}
			again := sendForm(t, srv, srv.URL+"/login", url.Values{"login_id": {id}, "decision": {"allow"}})
			if again.status != http.StatusBadRequest {
				t.Errorf("second decision = %d; want 400: a login is decided once", again.status)
			}
		})
	}
}

func TestLoginPage_expired(t *testing.T) {
	t.Parallel()
	srv, clk := newClockServer(t, func(s *oauthtest.Server) { s.LoginPage = true })
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}})
	id := startLogin(t, srv, codeParams(c)).hidden().Get("login_id")
	clk.Advance(11 * time.Minute)
	p := sendForm(t, srv, srv.URL+"/login", url.Values{"login_id": {id}, "username": {"alice"}, "password": {"wonderland"}})
	if p.status != http.StatusBadRequest {
		t.Errorf("sign in after 11 minutes = %d; want 400", p.status)
	}
}

func TestLoginPage_escapes(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(s *oauthtest.Server) { s.LoginPage = true })
	c := srv.RegisterClient(oauthtest.Client{ID: `<script>x</script>`, RedirectURIs: []string{callback}})
	p := startLogin(t, srv, codeParams(c))
	if strings.Contains(p.body, "<script>x") {
		t.Errorf("login page echoes the client id unescaped: %s", p.body)
	}
}

func TestFormPost(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}})
	params := codeParams(c)
	params.Set("response_mode", "form_post")
	params.Set("state", `"><b>`)
	p := sendGet(t, srv, srv.AuthorizationURL()+"?"+params.Encode())
	if p.status != http.StatusOK || !strings.Contains(p.body, `<form method="post" action="`+callback+`">`) {
		t.Fatalf("authorize = %d %q; want a form posting to the callback", p.status, p.body)
	}
	if strings.Contains(p.body, `"><b>`) {
		t.Errorf("form_post page echoes state unescaped: %s", p.body)
	}
	f := p.hidden()
	if f.Get("state") != `"><b>` || f.Get("code") == "" || f.Get("iss") != srv.URL {
		t.Errorf("form fields = %v; want code, state and iss", f)
	}
	script := regexp.MustCompile(`<script>(.*)</script>`).FindStringSubmatch(p.body)
	if script == nil {
		t.Fatalf("form_post page has no script: %s", p.body)
	}
	sum := sha256.Sum256([]byte(script[1]))
	hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	if csp := p.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src "+hash) {
		t.Errorf("Content-Security-Policy = %q; want script-src %s", csp, hash)
	}
	wantToken(t, exchange(t, srv, c, f.Get("code"), verifier))
}
