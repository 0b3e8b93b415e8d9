package oidc

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/url"

	"github.com/oauthkit/oauthkit"
)

// CheckLogoutReturn checks the request a provider sends the browser back
// with after an RP-Initiated Logout (OpenID Connect RP-Initiated Logout
// 1.0 section 3): returnURL is the URL that reached the
// post_logout_redirect_uri (absolute, or a handler's r.URL.String()) and
// state the [LogoutRequest.State] sent. Their states must be equal,
// compared in constant time; an empty state never matches. A mismatch, a
// forged return to the application, wraps [oauthkit.ErrStateMismatch].
func CheckLogoutReturn(returnURL, state string) error {
	u, err := url.Parse(returnURL)
	if err != nil {
		return fmt.Errorf("oidc: logout return: %w", err)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return fmt.Errorf("oidc: logout return query: %w", err)
	}
	got := q["state"]
	switch {
	case state == "":
		return fmt.Errorf("oidc: logout return: %w: no state was sent with the logout request", oauthkit.ErrStateMismatch)
	case len(got) != 1 || subtle.ConstantTimeCompare([]byte(got[0]), []byte(state)) != 1:
		return fmt.Errorf("oidc: logout return: %w: got %q", oauthkit.ErrStateMismatch, got)
	}
	return nil
}

// FrontChannelLogout holds the parameters of a front-channel logout
// request (OpenID Connect Front-Channel Logout 1.0 section 2): the
// provider loads the client's frontchannel_logout_uri in an iframe with
// them, and the client ends the session they name.
type FrontChannelLogout struct {
	// Issuer is "iss", the provider; empty when the provider did not send
	// it.
	Issuer string
	// SessionID is "sid", the session, as in the session's ID tokens;
	// empty when the provider did not send it.
	SessionID string
}

// ParseFrontChannelLogout reads the iss and sid query parameters of a
// front-channel logout request r. When issuer is not empty and iss is
// present, iss must equal it ([ErrInvalidIssuer]). The provider sends
// both or neither (section 2), so one without the other is refused
// ([ErrMissingClaim]); with requireSession (the client registered
// frontchannel_logout_session_required) both must be present. Neither
// means "end every session of this user agent".
//
// The answer should carry Cache-Control: no-cache, no-store (section
// 3). Nothing authenticates these parameters: they only select which
// local session to end.
func ParseFrontChannelLogout(r *http.Request, issuer string, requireSession bool) (*FrontChannelLogout, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("oidc: front-channel logout query: %w", err)
	}
	f := &FrontChannelLogout{Issuer: q.Get("iss"), SessionID: q.Get("sid")}
	switch {
	case len(q["iss"]) > 1 || len(q["sid"]) > 1:
		return nil, fmt.Errorf("%w: front-channel logout: repeated iss or sid", ErrMalformedClaims)
	case (f.Issuer == "") != (f.SessionID == ""):
		return nil, fmt.Errorf("%w: front-channel logout: iss and sid come together", ErrMissingClaim)
	case requireSession && f.Issuer == "":
		return nil, fmt.Errorf("%w: front-channel logout needs iss and sid", ErrMissingClaim)
	case issuer != "" && f.Issuer != "" && f.Issuer != issuer:
		return nil, mismatch(ErrInvalidIssuer, f.Issuer, issuer)
	}
	return f, nil
}
