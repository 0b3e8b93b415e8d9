package oauthtest

import (
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/oauthkit/oauthkit/jose"
)

// logoutParams are the parameters of RP-Initiated Logout 1.0 §2 that the
// confirmation page carries over.
var logoutParams = []string{"id_token_hint", "logout_hint", "client_id", "post_logout_redirect_uri", "state", "ui_locales"}

// logoutPage is the data of the logout pages.
type logoutPage struct {
	Action  string
	Fields  map[string]string // hidden fields of the confirmation form
	Message string            // the outcome, or an error; no form when set
}

var logoutTemplate = template.Must(template.New("logout").Parse(`<!DOCTYPE html>
<html lang="en">
<meta charset="utf-8">
<title>oauthtest - Log out</title>
<h1>Log out</h1>
{{if .Message -}}
<p id="message">{{.Message}}</p>
{{- else -}}
<p>Log out of oauthtest?</p>
<form method="post" action="{{.Action}}">
{{range $k, $v := .Fields}}<input type="hidden" name="{{$k}}" value="{{$v}}">
{{end}}<button type="submit" id="confirm-logout" name="confirm" value="yes">Log out</button>
</form>
{{- end}}
`))

// handleEndSession serves the end_session_endpoint of OpenID Connect
// RP-Initiated Logout 1.0 (§2, §3): it checks id_token_hint (an ID token
// this server signed, expired or not), client_id and
// post_logout_redirect_uri (registered for the client in
// [Client.PostLogoutRedirectURIs]), asks the user to confirm when
// LoginPage is set, and then redirects to post_logout_redirect_uri with
// state, or shows that the user is logged out.
//
// https://openid.net/specs/openid-connect-rpinitiated-1_0.html
func (s *Server) handleEndSession(w http.ResponseWriter, r *http.Request) {
	params, e := authorizeParams(r)
	if e != nil {
		writeError(w, e)
		return
	}
	redirect, msg := s.checkLogout(r.Context(), params)
	if msg != "" {
		s.writeLogoutPage(w, http.StatusBadRequest, logoutPage{Message: msg})
		return
	}
	if s.LoginPage && params.Get("confirm") != "yes" {
		fields := map[string]string{}
		for _, k := range logoutParams {
			if params.Has(k) {
				fields[k] = params.Get(k)
			}
		}
		s.writeLogoutPage(w, http.StatusOK, logoutPage{Fields: fields})
		return
	}
	s.endHintSession(r.Context(), params.Get("id_token_hint"))
	if redirect == "" {
		s.writeLogoutPage(w, http.StatusOK, logoutPage{Message: "You are logged out."})
		return
	}
	if st := params.Get("state"); st != "" {
		redirect = addQuery(redirect, url.Values{"state": {st}})
	}
	noStore(w)
	http.Redirect(w, r, redirect, http.StatusFound)
}

// checkLogout validates the request and returns where to send the user
// afterwards, or a message saying what is wrong.
func (s *Server) checkLogout(ctx context.Context, params url.Values) (redirect, msg string) {
	clientID := params.Get("client_id")
	if hint := params.Get("id_token_hint"); hint != "" {
		aud, ok := s.hintAudience(ctx, hint)
		switch {
		case !ok:
			return "", "The id_token_hint is not an ID token of this server."
		case clientID != "" && !slices.Contains(aud, clientID):
			return "", "The id_token_hint was not issued to client_id."
		case clientID == "" && len(aud) > 0:
			clientID = aud[0]
		}
	}
	uri := params.Get("post_logout_redirect_uri")
	if clientID == "" {
		if uri != "" {
			return "", "A post_logout_redirect_uri needs an id_token_hint or a client_id."
		}
		return "", ""
	}
	c, ok := s.client(clientID)
	switch {
	case !ok:
		return "", "Unknown client."
	case uri != "" && !slices.Contains(c.PostLogoutRedirectURIs, uri):
		return "", "The post_logout_redirect_uri is not registered for the client."
	}
	return uri, ""
}

// hintAudience verifies an ID token hint's signature and issuer and
// returns its audience. Expiry is not checked: a hint may have expired
// (RP-Initiated Logout 1.0 §4).
func (s *Server) hintAudience(ctx context.Context, hint string) ([]string, bool) {
	vt, err := jose.Verify(ctx, hint, s.PublicKeys(), jose.VerifyOptions{Algorithms: asymmetricAlgorithms})
	if err != nil {
		return nil, false
	}
	var c struct {
		Iss string          `json:"iss"`
		Aud json.RawMessage `json:"aud"`
	}
	if json.Unmarshal(vt.Payload, &c) != nil || c.Iss != s.issuer() {
		return nil, false
	}
	var one string
	if json.Unmarshal(c.Aud, &one) == nil {
		return []string{one}, true
	}
	var many []string
	if json.Unmarshal(c.Aud, &many) == nil {
		return many, true
	}
	return nil, false
}

// addQuery adds params to the query of u, keeping its own.
func addQuery(u string, params url.Values) string {
	if strings.Contains(u, "?") {
		return u + "&" + params.Encode()
	}
	return u + "?" + params.Encode()
}

func (s *Server) writeLogoutPage(w http.ResponseWriter, status int, page logoutPage) {
	page.Action = s.URL + pathEndSession
	writeTemplate(w, status, logoutTemplate, page)
}
