package web_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/oidc"
	"github.com/oauthkit/oauthkit/web"
)

// clientKey is the private_key_jwt client's key.
var clientKey = func() *jose.Key {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	jk, err := jose.NewKey(k, "client-key", jose.ES256)
	if err != nil {
		panic(err)
	}
	return jk
}()

func TestLogin(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		provider func(*web.Provider)
		opts     appOptions
	}{
		{name: "query"},
		{name: "form_post", provider: func(p *web.Provider) { p.ResponseMode = "form_post" }},
		{name: "userinfo", provider: func(p *web.Provider) { p.FetchUserInfo = true }},
		{name: "flow store", opts: appOptions{configure: func(c *web.Config) { c.Keys, c.FlowStore = nil, &web.MemoryFlowStore{} }}},
		{name: "private_key_jwt", provider: func(p *web.Provider) { p.ClientSecret, p.ClientKey = "", clientKey }, opts: appOptions{
			client: func(c *oauthtest.Client) { c.AuthMethod, c.PublicKey = oauthtest.PrivateKeyJWT, clientKey },
		}},
		{name: "pushed required by the provider", opts: appOptions{
			op: func(s *oauthtest.Server) { s.RequirePushedAuthorizationRequests = true },
		}},
		{name: "pushed required for the client", provider: func(p *web.Provider) { p.Session.RequirePushedAuth = true }, opts: appOptions{
			client: func(c *oauthtest.Client) { c.RequirePushedAuthorizationRequests = true },
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.opts.provider = tc.provider
			a := newApp(t, tc.opts)
			b := newBrowser(t, a)
			got := b.get(a.srv.URL + "/profile?tab=2")
			if got.status != http.StatusOK || got.body != "profile of user-1" {
				t.Fatalf("GET /profile ended on %s: %d %q; want the profile of user-1", got.url, got.status, got.body)
			}
			if want := a.srv.URL + "/profile?tab=2"; got.url != want {
				t.Errorf("landed on %q; want %q, the page asked for", got.url, want)
			}
			res := a.lastResult()
			if res.IDToken == nil || res.IDToken.Subject != "user-1" || res.IDToken.Email != "alice@example.com" {
				t.Errorf("Result.IDToken = %+v; want the verified claims of user-1", res.IDToken)
			}
			if res.Token.AccessToken == "" || res.Provider != "op" || res.ReturnTo != "/profile?tab=2" {
				t.Errorf("Result = %+v", res)
			}
			if wantInfo := tc.name == "userinfo"; (res.UserInfo != nil) != wantInfo || wantInfo && res.UserInfo["name"] != "Alice" {
				t.Errorf("Result.UserInfo = %v; want fetched: %t", res.UserInfo, wantInfo)
			}
			if err := a.lastError(); err != nil {
				t.Errorf("ErrorHandler saw %v", err)
			}
			if wantPushed := strings.HasPrefix(tc.name, "pushed"); wantPushed != (a.op.RequestCount(oauthtest.PushedAuthorizationEndpoint) == 1) {
				t.Errorf("pushed authorization requests: %d; want one: %t", a.op.RequestCount(oauthtest.PushedAuthorizationEndpoint), wantPushed)
			}
		})
	}
}

func TestLogin_plainOAuth(t *testing.T) {
	t.Parallel()
	a := newApp(t, appOptions{provider: func(p *web.Provider) {
		base := p.Issuer // oauthtest's URL
		p.Issuer, p.Scopes = "", []string{"profile"}
		p.AuthURL, p.TokenURL, p.UserInfoURL = base+"/authorize", base+"/token", base+"/userinfo"
	}})
	got := newBrowser(t, a).get(a.srv.URL + "/login/op?next=/profile")
	if got.body != "profile of user-1" {
		t.Fatalf("login ended on %s: %d %q", got.url, got.status, got.body)
	}
	res := a.lastResult()
	if res.IDToken != nil || res.UserInfo["preferred_username"] != "alice" {
		t.Errorf("Result = %+v; want no ID token and the userinfo claims", res)
	}
}

// stopAtCallback starts a login and returns the callback URL the provider
// redirected to, without visiting it.
func stopAtCallback(t *testing.T, a *app, b *browser) string {
	t.Helper()
	b.stop = a.srv.URL + "/callback/"
	defer func() { b.stop = "" }()
	got := b.get(a.srv.URL + "/login/op?next=/profile")
	if got.status != http.StatusFound || !strings.HasPrefix(got.location, b.stop) {
		t.Fatalf("login stopped at %s: %d, Location %q; want a redirect to the callback", got.url, got.status, got.location)
	}
	return got.location
}

// flowCookie returns the browser's flow cookie for the app.
func flowCookie(t *testing.T, a *app, b *browser) *http.Cookie {
	t.Helper()
	u, _ := url.Parse(a.srv.URL)
	for _, c := range b.hc.Jar.Cookies(u) {
		if strings.HasPrefix(c.Name, "oauthkit-flow-") {
			return c
		}
	}
	t.Fatal("no flow cookie")
	return nil
}

func TestCallback_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		opts       appOptions
		tamper     func(t *testing.T, a *app, b *browser, callback string) string // returns the URL to visit
		wantErr    error
		wantReason string
	}{
		{
			name: "replayed",
			tamper: func(t *testing.T, a *app, b *browser, cb string) string {
				if got := b.get(cb); got.body != "profile of user-1" {
					t.Fatalf("first callback ended on %q", got.body)
				}
				return cb
			},
			wantErr: web.ErrFlowReplayed, wantReason: "flow_replayed",
		},
		{
			name: "replayed with the cookie kept",
			tamper: func(t *testing.T, a *app, b *browser, cb string) string {
				c := flowCookie(t, a, b)
				b.get(cb)
				u, _ := url.Parse(a.srv.URL)
				b.hc.Jar.SetCookies(u, []*http.Cookie{{Name: c.Name, Value: c.Value, Path: "/"}})
				return cb
			},
			wantErr: web.ErrFlowReplayed, wantReason: "flow_replayed",
		},
		{
			name: "tampered cookie",
			tamper: func(t *testing.T, a *app, b *browser, cb string) string {
				c := flowCookie(t, a, b)
				v := []byte(c.Value)
				// Another base64url letter: flipping bits could make an invalid
				// cookie byte ('_' ^ 3 is a backslash), which the browser refuses.
				if i := len(v) / 2; v[i] == 'A' {
					v[i] = 'B'
				} else {
					v[i] = 'A'
				}
				u, _ := url.Parse(a.srv.URL)
				b.hc.Jar.SetCookies(u, []*http.Cookie{{Name: c.Name, Value: string(v), Path: "/"}})
				return cb
			},
			wantErr: web.ErrTampered, wantReason: "flow_tampered",
		},
		{
			name: "tampered binding (flow store)",
			opts: appOptions{configure: func(c *web.Config) { c.Keys, c.FlowStore = nil, &web.MemoryFlowStore{} }},
			tamper: func(t *testing.T, a *app, b *browser, cb string) string {
				c := flowCookie(t, a, b)
				b.hc.Jar.SetCookies(mustURL(t, a.srv.URL), []*http.Cookie{{Name: c.Name, Value: oauthkit.GenerateState(), Path: "/"}})
				return cb
			},
			wantErr: web.ErrTampered, wantReason: "flow_tampered",
		},
		{
			name: "mismatched state",
			tamper: func(t *testing.T, a *app, b *browser, cb string) string {
				return replaceParam(t, cb, "state", oauthkit.GenerateState())
			},
			wantErr: oauthkit.ErrStateMismatch, wantReason: "state_mismatch",
		},
		{
			name: "no flow at all",
			tamper: func(t *testing.T, a *app, b *browser, cb string) string {
				u, _ := url.Parse(a.srv.URL)
				c := flowCookie(t, a, b)
				b.hc.Jar.SetCookies(u, []*http.Cookie{{Name: c.Name, Path: "/", MaxAge: -1}})
				return cb
			},
			wantErr: web.ErrFlowNotFound, wantReason: "flow_not_found",
		},
		{
			name: "provider error",
			opts: appOptions{op: func(s *oauthtest.Server) {
				s.Consent = func(oauthtest.AuthorizationRequest) oauthtest.AuthorizationDecision {
					return oauthtest.AuthorizationDecision{Deny: true, ErrorDescription: "<b>no</b>"}
				}
			}},
			tamper:     func(t *testing.T, a *app, b *browser, cb string) string { return cb },
			wantReason: "provider_error",
		},
		{
			name: "wrong nonce",
			opts: appOptions{op: func(s *oauthtest.Server) {}},
			tamper: func(t *testing.T, a *app, b *browser, cb string) string {
				a.op.InjectIDTokenFault(oauthtest.IDTokenFault{WrongNonce: true})
				return cb
			},
			wantErr: oidc.ErrInvalidNonce, wantReason: "id_token",
		},
		{
			name: "provider mix-up",
			tamper: func(t *testing.T, a *app, b *browser, cb string) string {
				return replaceParam(t, cb, "iss", "https://evil.example")
			},
			wantErr: oauthkit.ErrAuthorizationIssuerMismatch, wantReason: "login_failed",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := newApp(t, tc.opts)
			b := newBrowser(t, a)
			cb := stopAtCallback(t, a, b)
			got := b.get(tc.tamper(t, a, b, cb))
			if got.status != http.StatusBadRequest || reason(got.body) != tc.wantReason {
				t.Fatalf("callback = %d %q; want 400 with reason %q", got.status, got.body, tc.wantReason)
			}
			err := a.lastError()
			var we *web.Error
			if !errors.As(err, &we) || we.Step != "callback" || we.Provider != "op" {
				t.Errorf("ErrorHandler got %#v; want a *web.Error of the op callback", err)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("ErrorHandler got %v; want %v", err, tc.wantErr)
			}
			if strings.Contains(got.body, "<b>") {
				t.Errorf("error page echoes markup: %s", got.body)
			}
		})
	}
}

// replaceParam sets one query parameter of u.
func replaceParam(t *testing.T, u, name, value string) string {
	t.Helper()
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	q := p.Query()
	q.Set(name, value)
	p.RawQuery = q.Encode()
	return p.String()
}

func TestCallback_providerErrorIsTyped(t *testing.T) {
	t.Parallel()
	a := newApp(t, appOptions{op: func(s *oauthtest.Server) {
		s.Consent = func(oauthtest.AuthorizationRequest) oauthtest.AuthorizationDecision {
			return oauthtest.AuthorizationDecision{Deny: true}
		}
	}})
	got := newBrowser(t, a).get(a.srv.URL + "/login/op")
	e, ok := errors.AsType[*oauthkit.Error](a.lastError())
	if !ok || e.Code != oauthkit.ErrorCodeAccessDenied || e.Endpoint != "authorization" {
		t.Fatalf("ErrorHandler got %v; want *oauthkit.Error access_denied", a.lastError())
	}
	if !strings.Contains(got.body, "access_denied") {
		t.Errorf("error page %q does not name the provider's error", got.body)
	}
}

func TestCallback_expired(t *testing.T) {
	t.Parallel()
	now := time.Now()
	clock := func() time.Time { return now }
	a := newApp(t, appOptions{configure: func(c *web.Config) { c.Now = func() time.Time { return clock() } }})
	b := newBrowser(t, a)
	cb := stopAtCallback(t, a, b)
	clock = func() time.Time { return now.Add(11 * time.Minute) }
	got := b.get(cb)
	if reason(got.body) != "flow_expired" || !errors.Is(a.lastError(), web.ErrFlowExpired) {
		t.Errorf("late callback = %q, error %v; want flow_expired", got.body, a.lastError())
	}
}

func TestCallback_twoTabs(t *testing.T) {
	t.Parallel()
	a := newApp(t, appOptions{})
	b := newBrowser(t, a)
	first := stopAtCallback(t, a, b)
	second := stopAtCallback(t, a, b)
	for i, cb := range []string{second, first} {
		b.hc.Jar.SetCookies(mustURL(t, a.srv.URL), []*http.Cookie{{Name: "user", Path: "/", MaxAge: -1}})
		if got := b.get(cb); got.body != "profile of user-1" {
			t.Errorf("callback %d ended on %s: %q", i, got.url, got.body)
		}
	}
}

func TestCallback_unknownProvider(t *testing.T) {
	t.Parallel()
	a := newApp(t, appOptions{})
	got := newBrowser(t, a).get(a.srv.URL + "/login/nope")
	if got.status != http.StatusBadRequest || reason(got.body) != "unknown_provider" {
		t.Errorf("GET /login/nope = %d %q", got.status, got.body)
	}
}

func TestLogin_openRedirect(t *testing.T) {
	t.Parallel()
	a := newApp(t, appOptions{})
	for _, next := range []string{"//evil.example/x", `/\evil.example`, "https://evil.example", "/\t/evil.example", "javascript:alert(1)"} {
		b := newBrowser(t, a)
		got := b.get(a.srv.URL + "/login/op?next=" + url.QueryEscape(next))
		if want := a.srv.URL + "/"; got.url != want || got.body != "home" {
			t.Errorf("next=%q landed on %s (%q); want %s", next, got.url, got.body, want)
		}
	}
}

func TestRequireLogin(t *testing.T) {
	t.Parallel()
	a := newApp(t, appOptions{})
	b := newBrowser(t, a)
	b.stop = a.op.URL
	got := b.get(a.srv.URL + "/profile?x=1")
	if got.status != http.StatusFound || !strings.HasPrefix(got.location, a.op.AuthorizationURL()) {
		t.Fatalf("anonymous GET /profile = %d, Location %q; want the provider", got.status, got.location)
	}
	post := b.post(a.srv.URL+"/profile", url.Values{})
	if post.status != http.StatusBadRequest || reason(post.body) != "login_required" {
		t.Errorf("anonymous POST /profile = %d %q", post.status, post.body)
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	a := newApp(t, appOptions{})
	b := newBrowser(t, a)
	if got := b.get(a.srv.URL + "/login/op"); got.body != "home" {
		t.Fatalf("login ended on %q", got.body)
	}
	b.stop = a.op.URL
	out := b.post(a.srv.URL+"/logout", url.Values{"next": {"/profile"}})
	end, err := url.Parse(out.location)
	if out.status != http.StatusSeeOther || err != nil || !strings.HasPrefix(out.location, a.op.EndSessionURL()) {
		t.Fatalf("POST /logout = %d, Location %q; want the end-session endpoint", out.status, out.location)
	}
	q := end.Query()
	if q.Get("id_token_hint") != a.lastResult().Token.IDToken || q.Get("state") == "" ||
		q.Get("post_logout_redirect_uri") != a.srv.URL+"/logout/return" {
		t.Errorf("end-session query = %v", q)
	}
	b.stop = ""
	wrong := b.get(replaceParam(t, out.location, "state", "WRONG"))
	if reason(wrong.body) != "state_mismatch" {
		t.Errorf("logout return with a wrong state = %q; want state_mismatch", wrong.body)
	}
	back := b.get(out.location)
	// Logged out: /profile sends the browser to the login again, which
	// oauthtest approves at once.
	if back.body != "profile of user-1" || len(a.results) != 2 {
		t.Errorf("after logout landed on %s: %q; want a new login", back.url, back.body)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// A cross-site page must not be able to log the user out: a form posted
// to /logout from another site is refused before OnLogout runs.
func TestLogout_crossSite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		headers map[string]string
		refused bool
	}{
		{name: "cross-site", headers: map[string]string{"Sec-Fetch-Site": "cross-site"}, refused: true},
		{name: "same-site other origin", headers: map[string]string{"Sec-Fetch-Site": "same-site"}, refused: true},
		{name: "foreign origin", headers: map[string]string{"Origin": "https://evil.example"}, refused: true},
		{name: "same-origin", headers: map[string]string{"Sec-Fetch-Site": "same-origin"}},
		{name: "no browser headers", headers: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := newApp(t, appOptions{})
			b := newBrowser(t, a)
			if got := b.get(a.srv.URL + "/login/op"); got.body != "home" {
				t.Fatalf("login ended on %q", got.body)
			}
			b.stop = a.op.URL
			req := b.newRequest(http.MethodPost, a.srv.URL+"/logout", url.Values{"next": {"/"}})
			for k, v := range tc.headers {
				req.Header.Set(k, v)
			}
			got := b.do(req)
			_, loggedIn := cookieValue(b, a, "user")
			if !tc.refused {
				if got.status != http.StatusSeeOther || loggedIn {
					t.Errorf("same-origin logout = %d, still logged in: %t; want 303 and logged out", got.status, loggedIn)
				}
				return
			}
			if got.status != http.StatusBadRequest || reason(got.body) != "cross_origin" || !errors.Is(a.lastError(), web.ErrCrossOrigin) {
				t.Errorf("cross-site logout = %d %q, error %v; want 400 cross_origin", got.status, got.body, a.lastError())
			}
			if !loggedIn {
				t.Error("a cross-site POST /logout ended the session")
			}
		})
	}
}

// cookieValue returns the browser's cookie name for the app.
func cookieValue(b *browser, a *app, name string) (string, bool) {
	u, _ := url.Parse(a.srv.URL)
	for _, c := range b.hc.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value, true
		}
	}
	return "", false
}
