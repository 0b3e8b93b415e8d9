package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strconv"

	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/web"
)

// webApp is a net/http app that logs users in with package web, and what
// its hooks saw: the logins and the errors.
type webApp struct {
	srv      *httptest.Server
	url      string // the app's BaseURL: srv's, with the host named localhost
	logins   chan webLogin
	failures chan error
}

// webLogin is what OnLogin got, and the callback URL it got it for.
type webLogin struct {
	res      *web.Result
	callback string
}

// newWebApp starts an app whose login and callback handlers use the demo
// server as the OpenID Connect provider "op". The app's own requests to
// the provider are logged one level deeper than the browser's.
func (d *demoEnv) newWebApp(ctx context.Context) (*webApp, error) {
	mux := http.NewServeMux()
	a := &webApp{srv: httptest.NewServer(mux), logins: make(chan webLogin, 1), failures: make(chan error, 1)}
	a.url = "http://localhost:" + strconv.Itoa(a.srv.Listener.Addr().(*net.TCPAddr).Port)
	key := make([]byte, 32)
	rand.Read(key) // never fails
	backChannel := &http.Client{
		Transport:     &logTransport{base: d.srv.Client().Transport, w: d.w, red: d.red, style: d.style, indent: "      ", trim: d.srv.URL, maxBody: 120},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	c := d.srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{a.url + "/callback/op"}})
	login, err := web.NewLogin(web.Config{
		BaseURL: a.url, Keys: [][]byte{key}, HTTPClient: backChannel,
		OnLogin: func(_ http.ResponseWriter, r *http.Request, res *web.Result) (string, error) {
			a.logins <- webLogin{res, a.url + r.URL.RequestURI()}
			return "/profile", nil
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			a.failures <- err
			web.DefaultErrorHandler(w, r, err)
		},
	})
	if err == nil {
		d.note("the app at %s registers the provider (discovery); its own requests are indented", a.url)
		_, err = login.Register(ctx, web.Provider{Name: "op", Issuer: d.srv.URL, ClientID: c.ID, ClientSecret: c.Secret,
			Scopes: []string{"openid", "profile", "email"}})
	}
	if err != nil {
		a.srv.Close()
		return nil, err
	}
	mux.Handle("/", login.Handler()) // GET /login/op, GET and POST /callback/op, ...
	mux.HandleFunc("GET /profile", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "signed in") })
	return a, nil
}

// browser returns a client with a cookie jar that follows redirects and
// logs every hop.
func (d *demoEnv) browser(a *webApp) *http.Client {
	jar, _ := cookiejar.New(nil) // never fails without options
	return &http.Client{Jar: jar, Transport: &logTransport{base: a.srv.Client().Transport, w: d.w, red: d.red, style: d.style,
		indent: "    ", trim: d.srv.URL, maxBody: 120}}
}

// visit GETs u with the browser and returns the final status and body.
func visit(ctx context.Context, browser *http.Client, u string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := browser.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(body), err
}

func stepWebLogin(ctx context.Context, d *demoEnv) (string, error) {
	app, err := d.newWebApp(ctx)
	if err != nil {
		return "", err
	}
	defer app.srv.Close()
	browser := d.browser(app)
	d.note("the browser, with a cookie jar, opens the app's login handler and follows each redirect")
	if code, body, err := visit(ctx, browser, app.url+"/login/op"); err != nil || code != http.StatusOK || body != "signed in" {
		return "", fmt.Errorf("login ended with HTTP %d %q, %v; want the profile page", code, body, err)
	}
	var seen webLogin
	select {
	case seen = <-app.logins:
	default:
		return "", errors.New("the login ended without a call to OnLogin")
	}
	id := seen.res.IDToken
	d.note("OnLogin got the ID token's verified claims: iss %s, sub %q, name %q, email %q", id.Issuer, id.Subject, id.Name, id.Email)
	d.note("the same callback URL once more, as someone who copied it would send it")
	code, _, err := visit(ctx, browser, seen.callback)
	if err != nil {
		return "", err
	}
	var refused error
	select {
	case refused = <-app.failures:
	default:
	}
	if code != http.StatusBadRequest || !errors.Is(refused, web.ErrFlowReplayed) {
		return "", fmt.Errorf("replayed callback: HTTP %d, %v; want HTTP 400 for %v", code, refused, web.ErrFlowReplayed)
	}
	return fmt.Sprintf("%s (%s) logged in through the login and callback handlers; the replayed callback got HTTP 400 (%s)",
		id.Name, id.Subject, trimPrefix(web.ErrFlowReplayed.Error())), nil
}
