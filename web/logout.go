package web

import (
	"net/http"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oidc"
)

// LogoutRedirect ends the user's session at the provider too, the
// counterpart of Authlib's logout_redirect: when the provider has an
// end_session_endpoint, it redirects the browser there (OpenID Connect
// RP-Initiated Logout 1.0) with idToken as id_token_hint (send the raw ID
// token of the login; "" sends the client_id alone), the LogoutReturn
// handler as post_logout_redirect_uri and a fresh state, kept in a flow
// cookie with returnTo (a local path) and checked on the way back.
// Without an end_session_endpoint it redirects straight to returnTo. The
// app's own session must be ended before.
func (c *Client) LogoutRedirect(w http.ResponseWriter, r *http.Request, idToken, returnTo string) error {
	returnTo = SafeReturnTo(returnTo)
	if c.endSessionURL == "" {
		http.Redirect(w, r, c.login.Local(returnTo), http.StatusSeeOther)
		return nil
	}
	l := c.login
	state := oauthkit.GenerateState()
	req := oidc.LogoutRequest{
		IDTokenHint: idToken, ClientID: c.cfg.ClientID, State: state,
		PostLogoutRedirectURI: l.cfg.BaseURL + l.cfg.LogoutReturnPath,
	}
	var target string
	var err error
	if c.discoveredEndSession {
		target, err = c.op.EndSessionURL(req)
	} else {
		target, err = oidc.EndSessionURL(c.endSessionURL, req)
	}
	if err != nil {
		return err
	}
	fl := &flow{Kind: kindLogout, Provider: c.name, ReturnTo: returnTo, Request: oauthkit.AuthorizationRequest{State: state}}
	if err := l.flows.save(r.Context(), w, r, fl); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}
