package oauthtest

import (
	"crypto/rand"
	"html/template"
	"net/http"
	"strings"
	"time"
)

// loginTTL bounds how long a user may take on the login and consent pages.
const loginTTL = 10 * time.Minute

// pendingLogin is an authorization request waiting for the user on the
// pages of [Server.LoginPage].
type pendingLogin struct {
	client    *Client
	req       AuthorizationRequest
	reply     authorizeReply
	user      *User // set once the user has signed in
	expiresAt time.Time
}

// loginPage is the data of the login and consent pages.
type loginPage struct {
	Action  string // the URL the forms post to
	ID      string // the pending login
	Client  string
	Scopes  []string
	Message string // an error to show, if any
	Consent bool   // the consent page rather than the login page
}

var loginTemplate = template.Must(template.New("login").Parse(`<!DOCTYPE html>
<html lang="en">
<meta charset="utf-8">
<title>oauthtest - {{if .Consent}}Authorize{{else}}Sign in{{end}}</title>
{{if .Consent -}}
<h1>Authorize {{.Client}}</h1>
<p>{{.Client}} asks for:</p>
<ul id="scopes">{{range .Scopes}}<li>{{.}}</li>{{else}}<li>no scope</li>{{end}}</ul>
<form method="post" action="{{.Action}}">
<input type="hidden" name="login_id" value="{{.ID}}">
<button type="submit" id="allow" name="decision" value="allow">Allow</button>
<button type="submit" id="deny" name="decision" value="deny">Deny</button>
</form>
{{- else -}}
<h1>Sign in</h1>
<p>to continue to {{.Client}}</p>
{{with .Message}}<p id="message" role="alert">{{.}}</p>{{end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="login_id" value="{{.ID}}">
<label>Username <input id="username" name="username" autocomplete="username" required autofocus></label>
<label>Password <input id="password" name="password" type="password" autocomplete="current-password" required></label>
<button type="submit" id="sign-in">Sign in</button>
</form>
{{- end}}
`))

// startLogin keeps the validated request and shows the login page.
func (s *Server) startLogin(w http.ResponseWriter, c *Client, req AuthorizationRequest, reply authorizeReply) {
	id := rand.Text()
	now := s.now()
	s.mu.Lock()
	for k, p := range s.logins {
		if now.After(p.expiresAt) {
			delete(s.logins, k)
		}
	}
	s.logins[id] = &pendingLogin{client: c, req: req, reply: reply, expiresAt: now.Add(loginTTL)}
	s.mu.Unlock()
	s.writeLoginPage(w, http.StatusOK, loginPage{ID: id, Client: c.ID})
}

// handleLogin serves the forms of the login and consent pages: first the
// username and password, then the decision. Wrong credentials show the
// login page again; a decision ends the pending request with the
// authorization response (access_denied for "deny").
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	form, e := parseForm(r)
	if e != nil {
		writeError(w, e)
		return
	}
	id := form.Get("login_id")
	p, user, ok := s.takeLogin(id)
	if !ok {
		writeError(w, errorf(errInvalidRequest, "unknown or expired login; start again from the application"))
		return
	}
	if user == nil {
		s.signIn(w, form.Get("username"), form.Get("password"), id, p)
		return
	}
	if form.Get("decision") != "allow" {
		s.redirect(w, r, p.reply, errorParams(errAccessDenied, "the user denied the request"))
		return
	}
	s.decide(w, r, p.client, p.req, p.reply, user)
}

// takeLogin finds a pending login and the user who signed in, if any; a
// login with a user is removed, so that it is decided once only.
func (s *Server) takeLogin(id string) (*pendingLogin, *User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.logins[id]
	if !ok {
		return nil, nil, false
	}
	if s.now().After(p.expiresAt) {
		delete(s.logins, id)
		return nil, nil, false
	}
	if p.user != nil {
		delete(s.logins, id)
	}
	return p, p.user, true
}

// signIn checks the credentials and shows the consent page, or the login
// page again with a message.
func (s *Server) signIn(w http.ResponseWriter, username, password, id string, p *pendingLogin) {
	u, ok := s.checkCredentials(username, password)
	if !ok {
		s.writeLoginPage(w, http.StatusUnauthorized, loginPage{ID: id, Client: p.client.ID, Message: "Wrong username or password."})
		return
	}
	s.mu.Lock()
	p.user = &u
	s.mu.Unlock()
	s.writeLoginPage(w, http.StatusOK, loginPage{ID: id, Client: p.client.ID, Scopes: strings.Fields(p.req.Scope), Consent: true})
}

func (s *Server) writeLoginPage(w http.ResponseWriter, status int, page loginPage) {
	page.Action = s.URL + pathLogin
	writeTemplate(w, status, loginTemplate, page)
}

// writeTemplate answers with an HTML page of t, not to be cached, framed
// or to load anything.
func writeTemplate(w http.ResponseWriter, status int, t *template.Template, data any) {
	noStore(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	w.WriteHeader(status)
	_ = t.Execute(w, data)
}
