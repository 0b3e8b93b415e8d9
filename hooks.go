package oauthkit

import "net/http"

// Hooks adapt a session to servers that do not follow the standards
// (Authlib's compliance hooks). Each field is a list run in order; a nil
// list does nothing. A hook that returns an error aborts the call with it.
//
// Response hooks run before the body is parsed and may replace
// resp.Body and resp.Header (for instance, to turn a form-encoded answer
// into JSON). Request hooks receive the request about to be sent, a copy
// owned by the session, and may change its URL and headers.
type Hooks struct {
	// AccessTokenResponse runs on every token endpoint answer to a grant
	// other than refresh_token.
	AccessTokenResponse []func(resp *http.Response) error
	// RefreshTokenResponse runs on every answer to a refresh.
	RefreshTokenResponse []func(resp *http.Response) error
	// ProtectedRequest runs on every request to a protected resource,
	// after the token is added.
	ProtectedRequest []func(req *http.Request) error
	// RevokeTokenRequest runs on every revocation request.
	RevokeTokenRequest []func(req *http.Request) error
	// IntrospectTokenRequest runs on every introspection request.
	IntrospectTokenRequest []func(req *http.Request) error
}

func runRequestHooks(hooks []func(*http.Request) error, r *http.Request) error {
	for _, h := range hooks {
		if err := h(r); err != nil {
			return err
		}
	}
	return nil
}

func runResponseHooks(hooks []func(*http.Response) error, r *http.Response) error {
	for _, h := range hooks {
		if err := h(r); err != nil {
			return err
		}
	}
	return nil
}
