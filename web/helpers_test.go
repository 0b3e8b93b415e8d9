package web_test

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/oauthkit/oauthkit/internal/testhttp"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/web"
)

func TestMain(m *testing.M) {
	testhttp.NoIdleDefaultConns()
	goleak.VerifyTestMain(m)
}

// testKey is a flow-cookie key for tests.
var testKey = []byte("0123456789abcdef0123456789abcdef")

// app is a small web app with a Login mounted, for tests: OnLogin keeps
// the result and sets a "user" cookie; /profile shows the user.
type app struct {
	srv   *httptest.Server
	op    *oauthtest.Server
	login *web.Login

	mu      sync.Mutex // guards results, errs
	results []*web.Result
	errs    []error
}

// appOptions adjust the app before it starts.
type appOptions struct {
	configure func(*web.Config)
	provider  func(*web.Provider)
	op        func(*oauthtest.Server)
	client    func(*oauthtest.Client)
	// prefix, if set, is the path of the BaseURL: the app is served
	// below it through http.StripPrefix, as behind a proxy that strips it.
	prefix string
}

// newApp starts an oauthtest provider and an app logging in with it as
// provider "op" (OpenID Connect, discovered).
func newApp(t *testing.T, o appOptions) *app {
	t.Helper()
	a := &app{}
	a.op = oauthtest.NewUnstartedServer()
	if o.op != nil {
		o.op(a.op)
	}
	a.op.Start()
	t.Cleanup(a.op.Close)

	mux := http.NewServeMux()
	if o.prefix == "" {
		a.srv = httptest.NewServer(mux)
	} else {
		outer := http.NewServeMux()
		outer.Handle(o.prefix+"/", http.StripPrefix(o.prefix, mux))
		a.srv = httptest.NewServer(outer)
	}
	t.Cleanup(a.srv.Close)
	base := a.srv.URL + o.prefix
	oc := oauthtest.Client{
		RedirectURIs:           []string{base + "/callback/op"},
		PostLogoutRedirectURIs: []string{base + "/logout/return"},
	}
	if o.client != nil {
		o.client(&oc)
	}
	client := a.op.RegisterClient(oc)
	cfg := web.Config{
		BaseURL: base,
		Keys:    [][]byte{testKey},
		OnLogin: a.onLogin,
		OnLogout: func(w http.ResponseWriter, r *http.Request) (web.LoggedOut, error) {
			http.SetCookie(w, &http.Cookie{Name: "user", Path: "/", MaxAge: -1})
			c, err := r.Cookie("idt")
			if err != nil {
				return web.LoggedOut{}, nil
			}
			return web.LoggedOut{Provider: "op", IDToken: c.Value}, nil
		},
		LoggedIn: func(r *http.Request) bool {
			_, err := r.Cookie("user")
			return err == nil
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			a.mu.Lock()
			a.errs = append(a.errs, err)
			a.mu.Unlock()
			web.DefaultErrorHandler(w, r, err)
		},
		HTTPClient: a.op.Client(),
	}
	if o.configure != nil {
		o.configure(&cfg)
	}
	l, err := web.NewLogin(cfg)
	if err != nil {
		t.Fatalf("NewLogin: %v", err)
	}
	a.login = l
	p := web.Provider{
		Name: "op", Issuer: a.op.URL, ClientID: client.ID, ClientSecret: client.Secret,
		Scopes: []string{"openid", "email", "profile"},
	}
	if o.provider != nil {
		o.provider(&p)
	}
	if _, err := l.Register(t.Context(), p); err != nil {
		t.Fatalf("Register: %v", err)
	}
	mux.Handle("/", l.Handler())
	mux.Handle("/profile", l.RequireLogin(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := r.Cookie("user")
		fmt.Fprintf(w, "profile of %s", c.Value)
	})))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "home") })
	return a
}

func (a *app) onLogin(w http.ResponseWriter, r *http.Request, res *web.Result) (string, error) {
	a.mu.Lock()
	a.results = append(a.results, res)
	a.mu.Unlock()
	who := "nobody"
	switch {
	case res.IDToken != nil:
		who = res.IDToken.Subject
	case res.UserInfo != nil:
		who, _ = res.UserInfo["sub"].(string)
	}
	http.SetCookie(w, &http.Cookie{Name: "user", Value: who, Path: "/"})
	if res.Token.IDToken != "" {
		http.SetCookie(w, &http.Cookie{Name: "idt", Value: res.Token.IDToken, Path: "/"})
	}
	return "", nil
}

// lastError returns the last error the ErrorHandler saw.
func (a *app) lastError() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.errs) == 0 {
		return nil
	}
	return a.errs[len(a.errs)-1]
}

func (a *app) lastResult() *web.Result {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.results) == 0 {
		return nil
	}
	return a.results[len(a.results)-1]
}

// browser is a user agent with cookies: it follows redirects and submits
// form_post pages (and the app's own resubmit page) as a browser's
// script would.
type browser struct {
	t    *testing.T
	hc   *http.Client
	stop string // a URL prefix where redirects are not followed
}

func newBrowser(t *testing.T, a *app) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t}
	b.hc = &http.Client{Jar: jar, Timeout: 10 * time.Second, Transport: a.op.Client().Transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if b.stop != "" && strings.HasPrefix(req.URL.String(), b.stop) {
				return http.ErrUseLastResponse
			}
			if len(via) > 10 {
				return errors.New("too many redirects")
			}
			return nil
		}}
	return b
}

// visitResult is the page a visit ended on.
type visitResult struct {
	url      string
	status   int
	body     string
	location string // when stopped at a redirect
}

var (
	formRE   = regexp.MustCompile(`<form method="post" action="([^"]*)">`)
	hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// do sends req and follows redirects and auto-submitted forms.
func (b *browser) do(req *http.Request) visitResult {
	b.t.Helper()
	for range 5 {
		resp, err := b.hc.Do(req)
		if err != nil {
			b.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			b.t.Fatal(err)
		}
		res := visitResult{url: resp.Request.URL.String(), status: resp.StatusCode, body: string(body), location: resp.Header.Get("Location")}
		m := formRE.FindStringSubmatch(res.body)
		if m == nil || !strings.Contains(res.body, "document.forms[0].submit()") {
			return res
		}
		action, err := resp.Request.URL.Parse(html.UnescapeString(m[1]))
		if err != nil {
			b.t.Fatal(err)
		}
		form := url.Values{}
		for _, f := range hiddenRE.FindAllStringSubmatch(res.body, -1) {
			form.Add(html.UnescapeString(f[1]), html.UnescapeString(f[2]))
		}
		req = b.newRequest(http.MethodPost, action.String(), form)
	}
	b.t.Fatalf("too many auto-submitted forms")
	return visitResult{}
}

func (b *browser) newRequest(method, u string, form url.Values) *http.Request {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(context.WithoutCancel(b.t.Context()), method, u, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req
}

func (b *browser) get(u string) visitResult {
	b.t.Helper()
	return b.do(b.newRequest(http.MethodGet, u, nil))
}

func (b *browser) post(u string, form url.Values) visitResult {
	b.t.Helper()
	return b.do(b.newRequest(http.MethodPost, u, form))
}

// reason is the data-reason of an error page, or "".
func reason(body string) string {
	m := regexp.MustCompile(`data-reason="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}
