package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/oauthkit/oauthkit"
)

// resubmitField marks a form_post callback that the callback page posted
// again itself; see [Login.resubmit].
const resubmitField = "oauthkit_resubmit"

// providerName is the {provider} of the request's path: the path value
// of a Go 1.22 pattern, or else the last path segment (for routers that
// do not set path values).
func providerName(r *http.Request) string {
	if v := r.PathValue("provider"); v != "" {
		return v
	}
	return path.Base(r.URL.Path)
}

// Start serves GET LoginPath/{provider}: it redirects the browser to the
// provider with [Client.AuthorizeRedirect]. The "next" query parameter
// is where to land after the login, a local path ("/" if absent or not
// local).
func (l *Login) Start(w http.ResponseWriter, r *http.Request) {
	c, ok := l.requestClient(w, r, "login")
	if !ok {
		return
	}
	if err := c.AuthorizeRedirect(w, r, r.URL.Query().Get("next")); err != nil {
		l.fail(w, r, "login", c.name, err)
	}
}

// requestClient returns the client of the request's {provider}, or
// reports ErrUnknownProvider.
func (l *Login) requestClient(w http.ResponseWriter, r *http.Request, step string) (*Client, bool) {
	name := providerName(r)
	c, ok := l.Client(name)
	if !ok {
		l.fail(w, r, step, name, ErrUnknownProvider)
	}
	return c, ok
}

// Callback serves GET and POST CallbackPath/{provider}, the redirect URI:
// it completes the login with [Client.Exchange], calls Config.OnLogin
// and redirects (303) where OnLogin says, by default to the page the
// user asked for. Failures go to the ErrorHandler.
//
// A form_post response is a POST from the provider's site, which
// browsers send without SameSite=Lax cookies; when the flow cookie is
// missing from such a POST, Callback answers with a page that posts the
// same fields again from this site, so that the cookie comes along.
func (l *Login) Callback(w http.ResponseWriter, r *http.Request) {
	c, ok := l.requestClient(w, r, "callback")
	if !ok {
		return
	}
	name := c.name
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
		if l.resubmit(w, r, c) {
			return
		}
	}
	res, err := c.Exchange(w, r)
	if err != nil {
		l.fail(w, r, "callback", name, err)
		return
	}
	target, err := l.cfg.OnLogin(w, r, res)
	if err != nil {
		l.fail(w, r, "callback", name, err)
		return
	}
	if target == "" {
		target = l.Local(res.ReturnTo)
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// resubmitScriptHash is the CSP hash of the script in resubmitPage.
const resubmitScriptHash = "'sha256-ePniVEkSivX/c7XWBGafqh8tSpiRrKiqYeqbG7N1TOE='"

var resubmitPage = template.Must(template.New("resubmit").Parse(`<!DOCTYPE html>
<html lang="en">
<meta charset="utf-8">
<title>Continuing the login</title>
<form method="post" action="{{.Action}}">
{{range $k, $vs := .Fields}}{{range $vs}}<input type="hidden" name="{{$k}}" value="{{.}}">
{{end}}{{end}}<noscript><button type="submit">Continue</button></noscript>
</form>
<script>document.forms[0].submit()</script>
`))

// resubmit answers a form_post callback that came without its flow
// cookie, once, with a page that posts its fields again from this site
// to c's redirect URI (the registered one, where the provider posted;
// nothing of the request decides where the fields go). It reports
// whether it answered.
func (l *Login) resubmit(w http.ResponseWriter, r *http.Request, c *Client) bool {
	params, err := oauthkit.ParseCallbackRequest(r)
	if err != nil {
		return false // Exchange reports it
	}
	r.PostForm = params
	state := params.Get("state")
	if params.Has(resubmitField) || state == "" {
		return false
	}
	if _, err := r.Cookie(l.flows.cookieName(state)); err == nil {
		return false
	}
	fields := make(map[string][]string, len(params)+1)
	for k, vs := range params {
		fields[k] = vs
	}
	fields[resubmitField] = []string{"1"}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; script-src "+resubmitScriptHash+"; frame-ancestors 'none'")
	_ = resubmitPage.Execute(w, struct {
		Action string
		Fields map[string][]string
	}{c.cfg.RedirectURL, fields})
	return true
}

// Logout serves POST LogoutPath: it calls Config.OnLogout to end the
// app's session and then, when the user had logged in with a provider
// that has an end_session_endpoint, redirects there with
// [Client.LogoutRedirect]; otherwise it redirects to the "next" form
// value (a local path, "/" by default).
//
// A logout posted from another site's page (cross-site request forgery,
// told by the browser's Sec-Fetch-Site and Origin headers) is refused
// with [ErrCrossOrigin] before OnLogout runs.
func (l *Login) Logout(w http.ResponseWriter, r *http.Request) {
	if err := l.csrf.Check(r); err != nil {
		l.fail(w, r, "logout", "", fmt.Errorf("%w: %v", ErrCrossOrigin, err))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	returnTo := SafeReturnTo(r.FormValue("next"))
	var out LoggedOut
	if l.cfg.OnLogout != nil {
		var err error
		if out, err = l.cfg.OnLogout(w, r); err != nil {
			l.fail(w, r, "logout", out.Provider, err)
			return
		}
	}
	c, ok := l.Client(out.Provider)
	if !ok {
		http.Redirect(w, r, l.Local(returnTo), http.StatusSeeOther)
		return
	}
	if err := c.LogoutRedirect(w, r, out.IDToken, returnTo); err != nil {
		l.fail(w, r, "logout", out.Provider, err)
	}
}

// LogoutReturn serves GET LogoutReturnPath, the post_logout_redirect_uri:
// it checks that the state the provider sent back belongs to a logout
// started in this browser (once only) and redirects to the page the
// logout asked for.
func (l *Login) LogoutReturn(w http.ResponseWriter, r *http.Request) {
	fl, err := l.flows.take(r.Context(), w, r, r.URL.Query().Get("state"), kindLogout)
	if err != nil {
		l.fail(w, r, "logout return", "", err)
		return
	}
	http.Redirect(w, r, l.Local(SafeReturnTo(fl.ReturnTo)), http.StatusSeeOther)
}

// RequireLogin returns middleware that lets requests of logged-in users
// (Config.LoggedIn) through to next, and sends an anonymous GET or HEAD
// to the login page (Config.LoginPage, or the first provider's login
// handler) with the page asked for as the return-to path. Other anonymous
// requests get ErrLoginRequired through the ErrorHandler.
func (l *Login) RequireLogin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if l.cfg.LoggedIn != nil && l.cfg.LoggedIn(r) {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			l.fail(w, r, "login", "", ErrLoginRequired)
			return
		}
		target, ok := l.loginPage(r.URL.RequestURI())
		if !ok {
			l.fail(w, r, "login", "", ErrUnknownProvider)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, target, http.StatusSeeOther)
	})
}

// loginPage is where RequireLogin sends a visitor who asked for returnTo.
func (l *Login) loginPage(returnTo string) (string, bool) {
	if p := l.cfg.LoginPage; p != "" {
		sep := "?"
		if strings.Contains(p, "?") {
			sep = "&"
		}
		return l.Local(p) + sep + "next=" + url.QueryEscape(SafeReturnTo(returnTo)), true
	}
	names := l.Providers()
	if len(names) == 0 {
		return "", false
	}
	return l.LoginURL(names[0], returnTo), true
}
