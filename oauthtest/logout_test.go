package oauthtest_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthkit/oauthkit/oauthtest"
)

const postLogout = "http://127.0.0.1:9/bye"

// idTokenFor returns an ID token srv issued to c.
func idTokenFor(t *testing.T, srv *oauthtest.Server, c oauthtest.Client) string {
	t.Helper()
	r := post(t, srv, srv.TokenURL(), c, url.Values{
		"grant_type": {"password"}, "username": {"alice"}, "password": {"wonderland"}, "scope": {"openid"},
	})
	idt := r.str("id_token")
	if idt == "" {
		t.Fatalf("password grant answered %s; want an id_token", short(r.raw))
	}
	return idt
}

func TestEndSession(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}, PostLogoutRedirectURIs: []string{postLogout}})
	other := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}})
	hint := idTokenFor(t, srv, c)
	foreign := newServer(t, nil)
	fc := foreign.RegisterClient(oauthtest.Client{ID: c.ID, RedirectURIs: []string{callback}})
	foreignHint := idTokenFor(t, foreign, fc)

	tests := []struct {
		name     string
		params   url.Values
		status   int
		location string // for a redirect
	}{
		{name: "hint and redirect", params: url.Values{"id_token_hint": {hint}, "post_logout_redirect_uri": {postLogout}, "state": {"s1"}},
			status: http.StatusFound, location: postLogout + "?state=s1"},
		{name: "client id and redirect", params: url.Values{"client_id": {c.ID}, "post_logout_redirect_uri": {postLogout}},
			status: http.StatusFound, location: postLogout},
		{name: "hint alone", params: url.Values{"id_token_hint": {hint}}, status: http.StatusOK},
		{name: "nothing", params: url.Values{}, status: http.StatusOK},
		{name: "unregistered redirect", params: url.Values{"id_token_hint": {hint}, "post_logout_redirect_uri": {"http://127.0.0.1:9/evil"}},
			status: http.StatusBadRequest},
		{name: "redirect without client", params: url.Values{"post_logout_redirect_uri": {postLogout}}, status: http.StatusBadRequest},
		{name: "hint of another server", params: url.Values{"id_token_hint": {foreignHint}, "post_logout_redirect_uri": {postLogout}},
			status: http.StatusBadRequest},
		{name: "hint of another client", params: url.Values{"id_token_hint": {hint}, "client_id": {other.ID}}, status: http.StatusBadRequest},
		{name: "garbage hint", params: url.Values{"id_token_hint": {"a.b.c"}}, status: http.StatusBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := sendGet(t, srv, srv.EndSessionURL()+"?"+tc.params.Encode())
			if p.status != tc.status {
				t.Fatalf("end session = %d %q; want %d", p.status, p.body, tc.status)
			}
			if got := p.header.Get("Location"); got != tc.location {
				t.Errorf("Location = %q; want %q", got, tc.location)
			}
		})
	}
}

func TestEndSession_confirmPage(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(s *oauthtest.Server) { s.LoginPage = true })
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}, PostLogoutRedirectURIs: []string{postLogout}})
	params := url.Values{"id_token_hint": {idTokenFor(t, srv, c)}, "post_logout_redirect_uri": {postLogout}, "state": {`"><i>`}}
	confirm := sendGet(t, srv, srv.EndSessionURL()+"?"+params.Encode())
	if confirm.status != http.StatusOK || !strings.Contains(confirm.body, `id="confirm-logout"`) {
		t.Fatalf("end session = %d %q; want the confirmation page", confirm.status, confirm.body)
	}
	if strings.Contains(confirm.body, `"><i>`) {
		t.Errorf("confirmation page echoes state unescaped: %s", confirm.body)
	}
	form := confirm.hidden()
	form.Set("confirm", "yes")
	done := sendForm(t, srv, srv.EndSessionURL(), form)
	want := postLogout + "?" + url.Values{"state": {`"><i>`}}.Encode()
	if done.status != http.StatusFound || done.header.Get("Location") != want {
		t.Errorf("confirm = %d, Location %q; want 302 to %q", done.status, done.header.Get("Location"), want)
	}
}
