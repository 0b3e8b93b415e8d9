package oidc

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/oauthkit/oauthkit"
)

// LogoutRequest is an RP-Initiated Logout request (OpenID Connect
// RP-Initiated Logout 1.0 section 2): the parameters a relying party
// sends, through the user's browser, to the provider's
// end_session_endpoint. Every field is optional; empty fields are left
// out.
//
// https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout
type LogoutRequest struct {
	// IDTokenHint is "id_token_hint": the raw ID token of the session
	// being ended. It tells the provider which session and client the
	// request is for; send it whenever you have it.
	IDTokenHint string
	// LogoutHint is "logout_hint", a hint about the end user to log out.
	LogoutHint string
	// ClientID is "client_id". Send it when PostLogoutRedirectURI is set
	// and there is no IDTokenHint, so that the provider can check the URI
	// against the client's registration.
	ClientID string
	// PostLogoutRedirectURI is "post_logout_redirect_uri", where the
	// provider sends the browser back after logout. It must be registered
	// for the client, and must be an absolute http or https URL.
	PostLogoutRedirectURI string
	// State is "state", echoed back to PostLogoutRedirectURI. Generate a
	// fresh one per request (as for the authorization request) and check
	// it on the way back.
	State string
	// UILocales is "ui_locales", the end user's preferred languages as
	// BCP 47 tags, most preferred first.
	UILocales []string
}

// EndSessionURL returns the URL that starts an RP-Initiated Logout at
// endpoint (a provider's end_session_endpoint, see
// [Metadata.EndSessionEndpoint]) with r's parameters; query parameters
// already in endpoint are kept. The endpoint must be https, or http to a
// loopback host, since the ID token hint names the user.
//
// It returns an error wrapping [oauthkit.ErrInvalidConfig] for an unusable
// endpoint or redirect URI, and for a PostLogoutRedirectURI without either
// IDTokenHint or ClientID (section 3 requires one of them to identify the
// client), or State without a PostLogoutRedirectURI to return it to.
func EndSessionURL(endpoint string, r LogoutRequest) (string, error) {
	return endSessionURL(endpoint, r, false)
}

func endSessionURL(endpoint string, r LogoutRequest, allowHTTP bool) (string, error) {
	if endpoint == "" {
		return "", fmt.Errorf("%w: no end_session_endpoint", oauthkit.ErrInvalidConfig)
	}
	if err := checkSecure(endpoint, allowHTTP); err != nil {
		return "", err
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Host == "" || u.Fragment != "" {
		return "", fmt.Errorf("%w: end session endpoint %q is not an absolute URL without a fragment", oauthkit.ErrInvalidConfig, endpoint)
	}
	if err := checkLogoutRequest(r); err != nil {
		return "", err
	}
	q := u.Query()
	for _, p := range []struct{ name, value string }{
		{"id_token_hint", r.IDTokenHint},
		{"logout_hint", r.LogoutHint},
		{"client_id", r.ClientID},
		{"post_logout_redirect_uri", r.PostLogoutRedirectURI},
		{"state", r.State},
		{"ui_locales", strings.Join(r.UILocales, " ")},
	} {
		if p.value != "" {
			q.Set(p.name, p.value)
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// checkLogoutRequest applies the rules of section 2 that a client can
// check before sending.
func checkLogoutRequest(r LogoutRequest) error {
	if r.PostLogoutRedirectURI == "" {
		if r.State != "" {
			return fmt.Errorf("%w: logout state without a post_logout_redirect_uri", oauthkit.ErrInvalidConfig)
		}
		return nil
	}
	p, err := url.Parse(r.PostLogoutRedirectURI)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return fmt.Errorf("%w: post_logout_redirect_uri %q is not an absolute http or https URL", oauthkit.ErrInvalidConfig, r.PostLogoutRedirectURI)
	}
	if r.IDTokenHint == "" && r.ClientID == "" {
		return fmt.Errorf("%w: post_logout_redirect_uri needs an id_token_hint or a client_id", oauthkit.ErrInvalidConfig)
	}
	return nil
}

// EndSessionURL returns the URL that starts an RP-Initiated Logout at the
// provider's end_session_endpoint; see the function [EndSessionURL]. It
// returns an error wrapping [ErrInvalidMetadata] when the metadata has no
// end_session_endpoint. The provider's InsecureAllowHTTP applies.
func (p *Provider) EndSessionURL(r LogoutRequest) (string, error) {
	ep := p.meta.EndSessionEndpoint
	if ep == "" {
		return "", fmt.Errorf("%w: the provider has no end_session_endpoint", ErrInvalidMetadata)
	}
	return endSessionURL(ep, r, p.cfg.InsecureAllowHTTP)
}
