package oauthkit

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// Response modes for [WithResponseMode]: OAuth 2.0 Multiple Response Type
// Encoding Practices section 2.1, OAuth 2.0 Form Post Response Mode, and
// the JWT Secured Authorization Response Mode (JARM) section 2.3.
const (
	ResponseModeQuery       = "query"
	ResponseModeFragment    = "fragment"
	ResponseModeFormPost    = "form_post"
	ResponseModeJWT         = "jwt"
	ResponseModeQueryJWT    = "query.jwt"
	ResponseModeFragmentJWT = "fragment.jwt"
	ResponseModeFormPostJWT = "form_post.jwt"
)

// jarmResponse is the parameter that carries a response JWT (JARM section
// 2.1).
const jarmResponse = "response"

// WithResponseMode sets response_mode. A JWT mode ([ResponseModeJWT],
// [ResponseModeQueryJWT], [ResponseModeFragmentJWT],
// [ResponseModeFormPostJWT]) asks for a JWT-secured response (JARM):
// [Session.ExchangeAuthorizationResponse] then accepts only a response
// JWT that [Config.JARMVerifier] verified. For the form_post modes the
// response arrives as a POST: hand the request to [Session.ExchangeCallback].
func WithResponseMode(mode string) AuthURLOption {
	return authURLFunc(func(p *authURLParams) {
		if p.params == nil {
			p.params = url.Values{}
		}
		p.params.Set("response_mode", mode)
	})
}

// JARMVerifier verifies the response JWT of a JWT-secured authorization
// response (JARM section 4.4): its signature under an algorithm
// allow-list, iss, aud (the client) and exp, after decrypting it when it
// is encrypted. It returns the response parameters the JWT carries (code,
// state, iss, error, ...), which the session then checks as it checks a
// plain response. oidc.Provider.JARMVerifier returns one.
// Implementations must be safe for concurrent use.
type JARMVerifier interface {
	VerifyResponseJWT(ctx context.Context, response string) (url.Values, error)
}

// isJWTResponseMode reports whether mode is one of JARM's.
func isJWTResponseMode(mode string) bool {
	return mode == ResponseModeJWT || strings.HasSuffix(mode, ".jwt")
}

// openJARM replaces a JWT-secured response by the parameters of its
// verified JWT. A request that asked for a JWT mode accepts nothing else,
// so that an attacker cannot downgrade the response to plain parameters.
func (s *Session) openJARM(ctx context.Context, params url.Values, ar AuthorizationRequest) (url.Values, error) {
	if !isJWTResponseMode(ar.ResponseMode) {
		return params, nil
	}
	if len(params[jarmResponse]) != 1 || params.Get(jarmResponse) == "" {
		return nil, fmt.Errorf("%w: response mode %q and no single response parameter", ErrJARMRequired, ar.ResponseMode)
	}
	if s.cfg.JARMVerifier == nil {
		return nil, fmt.Errorf("%w: no JARMVerifier configured", ErrJARMRequired)
	}
	v, err := s.cfg.JARMVerifier.VerifyResponseJWT(ctx, params.Get(jarmResponse))
	if err != nil {
		return nil, fmt.Errorf("oauthkit: authorization response: %w", err)
	}
	return v, nil
}
