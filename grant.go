package oauthkit

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
)

// Grant type identifiers (RFC 6749 section 4, RFC 8628 section 3.4,
// RFC 7523 section 2.1, RFC 8693 section 2.1).
const (
	GrantTypeAuthorizationCode = "authorization_code"
	GrantTypePassword          = "password"
	GrantTypeClientCredentials = "client_credentials"
	GrantTypeRefreshToken      = "refresh_token"
	GrantTypeDeviceCode        = "urn:ietf:params:oauth:grant-type:device_code"
	GrantTypeJWTBearer         = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	GrantTypeTokenExchange     = "urn:ietf:params:oauth:grant-type:token-exchange"
)

// Grant supplies the parameters of a token request, grant_type included.
// TokenParams is called once per request, so a grant may sign a fresh
// assertion each time. Implementations must be safe for concurrent use.
type Grant interface {
	TokenParams(ctx context.Context) (url.Values, error)
}

// paramGrant is a grant with fixed parameters.
type paramGrant struct {
	form url.Values
	// secret names a parameter to redact in String.
	secrets []string
}

func (g paramGrant) TokenParams(context.Context) (url.Values, error) {
	v := make(url.Values, len(g.form))
	for k, vs := range g.form {
		v[k] = slices.Clone(vs)
	}
	return v, nil
}

// String describes the grant without its secrets.
func (g paramGrant) String() string {
	keys := slices.Sorted(maps.Keys(g.form))
	s := "oauthkit.Grant{"
	for i, k := range keys {
		if i > 0 {
			s += " "
		}
		v := g.form.Get(k)
		if slices.Contains(g.secrets, k) {
			v = redact(v)
		} else {
			v = fmt.Sprintf("%q", v)
		}
		s += k + ":" + v
	}
	return s + "}"
}

// AuthorizationCode is the authorization code grant (RFC 6749 section
// 4.1.3), with the PKCE verifier (RFC 7636 section 4.5) when not empty.
// The session adds redirect_uri from its config.
func AuthorizationCode(code, verifier string) Grant {
	f := url.Values{"grant_type": {GrantTypeAuthorizationCode}, "code": {code}}
	if verifier != "" {
		f.Set("code_verifier", verifier)
	}
	return paramGrant{form: f, secrets: []string{"code", "code_verifier"}}
}

// Password is the resource owner password credentials grant (RFC 6749
// section 4.3). The session adds its scopes.
func Password(username, password string) Grant {
	f := url.Values{"grant_type": {GrantTypePassword}, "username": {username}, "password": {password}}
	return paramGrant{form: f, secrets: []string{"password"}}
}

// ClientCredentials is the client credentials grant (RFC 6749 section
// 4.4). The session adds its scopes.
func ClientCredentials() Grant { return clientCredentials }

// clientCredentials is shared: a paramGrant is never written to.
var clientCredentials Grant = &paramGrant{form: url.Values{"grant_type": {GrantTypeClientCredentials}}}

// RefreshToken is the refresh grant (RFC 6749 section 6).
func RefreshToken(refreshToken string) Grant {
	f := url.Values{"grant_type": {GrantTypeRefreshToken}, "refresh_token": {refreshToken}}
	return paramGrant{form: f, secrets: []string{"refresh_token"}}
}

// ExtensionGrant is any other grant (RFC 6749 section 4.5): grant_type
// plus the given parameters, such as the token exchange of RFC 8693.
// Values named in secrets are redacted when the grant is printed.
func ExtensionGrant(grantType string, params url.Values, secrets ...string) Grant {
	f := make(url.Values, len(params)+1)
	for k, vs := range params {
		f[k] = slices.Clone(vs)
	}
	f.Set("grant_type", grantType)
	return paramGrant{form: f, secrets: slices.Clone(secrets)}
}
