package main

import (
	"bytes"
	"html/template"
	"net/http"
	"time"
)

type providerLink struct{ Name, URL string }

type homePage struct {
	User      *session
	Providers []providerLink
}

type profilePage struct {
	Session  *session
	Claims   []claim
	UserInfo []claim
	Expires  time.Time
}

const layout = `{{define "top"}}<!DOCTYPE html>
<html lang="en">
<meta charset="utf-8">
<title>oauthkit web login</title>
<nav><a href="/">Home</a> · <a href="/profile">Profile</a>{{if .}} · <form method="post" action="/logout"><button type="submit" id="logout">Log out</button></form>{{end}}</nav>
{{end}}`

var homeTemplate = template.Must(template.Must(template.New("layout").Parse(layout)).New("home").Parse(
	`{{template "top" .User}}<h1>oauthkit web login</h1>
{{if .User}}<p id="greeting">Signed in as <strong>{{.User.Name}}</strong> with {{.User.Provider}}.</p>
{{else}}<p id="greeting">You are not signed in.</p>
<ul id="providers">{{range .Providers}}
<li><a id="login-{{.Name}}" href="{{.URL}}">Log in with {{.Name}}</a></li>{{end}}
</ul>{{end}}
`))

var profileTemplate = template.Must(template.Must(template.New("layout").Parse(layout)).New("profile").Parse(
	`{{template "top" .Session}}<h1>Profile</h1>
<p>Signed in as <strong id="name">{{.Session.Name}}</strong> with <span id="provider">{{.Session.Provider}}</span>.</p>
<p>Access token valid until <time id="expires">{{if .Expires.IsZero}}unknown{{else}}{{.Expires.Format "15:04:05 MST"}}{{end}}</time>.</p>
<h2>ID token and userinfo claims at login</h2>
<table id="claims">{{range .Claims}}<tr><th>{{.Name}}</th><td>{{.Value}}</td></tr>
{{end}}</table>
{{with .UserInfo}}<h2>Userinfo now</h2>
<table id="userinfo">{{range .}}<tr><th>{{.Name}}</th><td>{{.Value}}</td></tr>
{{end}}</table>{{end}}
`))

// render writes a page, or a 500 if the template fails (before anything
// is written).
func render(w http.ResponseWriter, t *template.Template, data any) {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		http.Error(w, "page", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
}
