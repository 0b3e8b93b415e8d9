package oauthtest

import "strings"

// responseType is a parsed response_type: a set of "code", "token" and
// "id_token", in any order (RFC 6749 §3.1.1; OAuth 2.0 Multiple Response
// Type Encoding Practices §3, §5; OpenID Connect Core 1.0 §3). Every
// non-empty combination is supported.
type responseType struct {
	code, token, idToken bool
}

// parseResponseType parses a response_type value and reports whether it
// is supported: space-separated known values, each at most once.
func parseResponseType(v string) (responseType, bool) {
	var rt responseType
	fields := strings.Split(v, " ")
	for _, f := range fields {
		var p *bool
		switch f {
		case "code":
			p = &rt.code
		case "token":
			p = &rt.token
		case "id_token":
			p = &rt.idToken
		default:
			return responseType{}, false
		}
		if *p {
			return responseType{}, false
		}
		*p = true
	}
	return rt, true
}

// fragment reports whether the response carries a token, which must then
// not be sent in the query.
func (rt responseType) fragment() bool { return rt.token || rt.idToken }

// hybrid reports whether rt is an OpenID Connect implicit or hybrid flow
// (OpenID Connect Core 1.0 §3.2, §3.3), rather than plain OAuth.
func (rt responseType) hybrid() bool { return rt.idToken || (rt.code && rt.token) }

// checkResponseMode applies response_mode (Multiple Response Type Encoding
// Practices §2.1).
func checkResponseMode(rt responseType, mode string, reply *authorizeReply) *oauthError {
	switch mode {
	case "":
	case responseFragment, responseFormPost:
		reply.mode = mode
	case responseQuery:
		if rt.fragment() {
			// Tokens must not be sent in the query (§2.1, §5).
			return errorf(errInvalidRequest, "response_mode query not allowed with a token in the response")
		}
	case responseJWT, responseQueryJWT, responseFragmentJWT, responseFormPostJWT:
		return jwtResponseMode(rt, mode, reply)
	default:
		return errorf(errInvalidRequest, "unsupported response_mode %q", mode)
	}
	return nil
}

// checkOpenID applies the OpenID Connect rules of the implicit and hybrid
// flows: an ID token needs the openid scope, and a nonce is required
// (OpenID Connect Core 1.0 §3.2.2.1, §3.3.2.11).
func checkOpenID(rt responseType, req *AuthorizationRequest) *oauthError {
	openid := hasScope(req.Scope, scopeOpenID)
	switch {
	case rt.idToken && !openid:
		return errorf(errInvalidScope, "response_type %q requires the openid scope", req.ResponseType)
	case openid && rt.hybrid() && req.Nonce == "":
		return errorf(errInvalidRequest, "nonce required for response_type %q", req.ResponseType)
	}
	return nil
}
