package main

import (
	"errors"
	"fmt"

	"github.com/oauthkit/oauthkit/oidc"
)

// endSession starts an RP-Initiated Logout at the provider of c's
// profile: it opens the end-session URL, with the profile's ID token
// idToken (if any) as the hint, in the browser, or prints it with
// noBrowser. The provider
// ends the user's session there, and with it (by back- or front-channel
// logout) the sessions of the other applications the user logged in to.
func (a *app) endSession(c *conn, idToken string, noBrowser bool) error {
	if c.prov == nil {
		return usageError{errors.New("--end-session needs a profile with --issuer: the end-session endpoint comes from discovery")}
	}
	req := oidc.LogoutRequest{ClientID: c.p.ClientID, IDTokenHint: idToken}
	u, err := c.prov.EndSessionURL(req)
	if err != nil {
		return tried(err, "building the end-session URL of %s", c.p.Issuer)
	}
	if noBrowser || openBrowser(u) != nil {
		fmt.Fprintf(a.stderr, "Open this URL in your browser to log out at the provider:\n\n  %s\n\n", u)
	} else {
		fmt.Fprintf(a.stderr, "Opened the browser to log out at the provider; if it did not open, visit:\n\n  %s\n\n", u)
	}
	return nil
}
