package main

import (
	"context"
	"fmt"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/web"
)

// appConfig configures the example app.
type appConfig struct {
	// BaseURL is the app's external URL, such as http://localhost:8080.
	BaseURL string
	// Providers are registered in this order.
	Providers []web.Provider
	// Key seals the flow cookies and the session cookie (each with its
	// own derived key): 32 random bytes.
	Key []byte
	// HTTPClient talks to the providers. Nil: http.DefaultClient.
	HTTPClient *http.Client
	// Now is the clock. Nil: time.Now.
	Now func() time.Time
	// InsecureAllowHTTP permits providers on plain http (not loopback).
	InsecureAllowHTTP bool
}

// app is the example web app: a home page offering the providers, a
// profile page for logged-in users, and logout.
type app struct {
	login    *web.Login
	sessions *sessions
	now      func() time.Time
	mux      *http.ServeMux
}

func newApp(ctx context.Context, cfg appConfig) (*app, error) {
	a := &app{now: cfg.Now, mux: http.NewServeMux()}
	if a.now == nil {
		a.now = time.Now
	}
	var err error
	if a.sessions, err = newSessions(cfg.Key, cfg.BaseURL); err != nil {
		return nil, err
	}
	a.login, err = web.NewLogin(web.Config{
		BaseURL:           cfg.BaseURL,
		Keys:              [][]byte{cfg.Key},
		OnLogin:           a.onLogin,
		OnLogout:          a.onLogout,
		LoggedIn:          func(r *http.Request) bool { return a.sessions.load(r, a.now()) != nil },
		LoginPage:         "/",
		HTTPClient:        cfg.HTTPClient,
		Now:               cfg.Now,
		InsecureAllowHTTP: cfg.InsecureAllowHTTP,
	})
	if err != nil {
		return nil, err
	}
	for _, p := range cfg.Providers {
		if _, err := a.login.Register(ctx, p); err != nil {
			return nil, err
		}
	}
	a.mux.Handle("/", a.login.Handler())
	a.mux.HandleFunc("GET /{$}", a.home)
	a.mux.Handle("GET /profile", a.login.RequireLogin(http.HandlerFunc(a.profile)))
	return a, nil
}

func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	a.mux.ServeHTTP(w, r)
}

// onLogin starts the app's session: the user's claims and the token.
func (a *app) onLogin(w http.ResponseWriter, r *http.Request, res *web.Result) (string, error) {
	sess := &session{Provider: res.Provider, Token: res.Token, Since: a.now(), Claims: map[string]any{}}
	if res.IDToken != nil {
		if err := res.IDToken.Claims(&sess.Claims); err != nil {
			return "", err
		}
		sess.Subject = res.IDToken.Subject
	}
	maps.Copy(sess.Claims, res.UserInfo) // userinfo has the profile claims
	sess.Name = displayName(sess.Claims)
	return "", a.sessions.save(w, sess)
}

// displayName picks the claim to greet the user with.
func displayName(claims map[string]any) string {
	for _, k := range []string{"name", "preferred_username", "login", "email", "sub"} {
		if v, ok := claims[k]; ok && v != nil && fmt.Sprint(v) != "" {
			return fmt.Sprint(v)
		}
	}
	return fmt.Sprint(claims["id"])
}

// onLogout ends the app's session and tells the Login which provider
// session to end.
func (a *app) onLogout(w http.ResponseWriter, r *http.Request) (web.LoggedOut, error) {
	sess := a.sessions.load(r, a.now())
	a.sessions.clear(w)
	if sess == nil {
		return web.LoggedOut{}, nil
	}
	return web.LoggedOut{Provider: sess.Provider, IDToken: sess.Token.IDToken}, nil
}

func (a *app) home(w http.ResponseWriter, r *http.Request) {
	next := r.URL.Query().Get("next")
	if next == "" {
		next = "/profile"
	}
	page := homePage{User: a.sessions.load(r, a.now())}
	for _, name := range a.login.Providers() {
		page.Providers = append(page.Providers, providerLink{Name: name, URL: a.login.LoginURL(name, next)})
	}
	render(w, homeTemplate, page)
}

// profile shows the user's claims. It renews the token when it is due,
// through the session's OnTokenUpdate, which saves the new token in the
// session cookie, and shows fresh userinfo claims.
func (a *app) profile(w http.ResponseWriter, r *http.Request) {
	sess := a.sessions.load(r, a.now())
	c, ok := a.login.Client(sess.Provider)
	if !ok {
		a.sessions.clear(w)
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s, err := c.Session(sess.Token, func(ctx context.Context, u oauthkit.TokenUpdate) error {
		sess.Token = u.Token
		return a.sessions.save(w, sess)
	})
	if err != nil {
		http.Error(w, "session", http.StatusInternalServerError)
		return
	}
	tok, err := s.ValidToken(r.Context())
	if err != nil {
		// The provider no longer renews the token: log in again.
		a.sessions.clear(w)
		http.Redirect(w, r, a.login.LoginURL(sess.Provider, "/profile"), http.StatusSeeOther)
		return
	}
	page := profilePage{Session: sess, Expires: tok.ExpiresAt}
	if info, err := c.UserInfo(r.Context(), tok, sess.Subject); err == nil {
		page.UserInfo = sortedClaims(info)
	}
	page.Claims = sortedClaims(sess.Claims)
	render(w, profileTemplate, page)
}

// claim is one claim for display.
type claim struct{ Name, Value string }

func sortedClaims(m map[string]any) []claim {
	var out []claim
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v := m[k]
		if f, ok := v.(float64); ok && f == math.Trunc(f) {
			v = strconv.FormatFloat(f, 'f', -1, 64) // a NumericDate, not 1.7e+09
		}
		out = append(out, claim{k, fmt.Sprint(v)})
	}
	return out
}
