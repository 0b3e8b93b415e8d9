package oauthkit

import (
	"bytes"
	"fmt"
	"io"
	"net/http"

	"github.com/oauthkit/oauthkit/internal/wire"
)

// Hooks adapt a session to servers that do not follow the standards
// (Authlib's compliance hooks). Each field is a list run in order; a nil
// list does nothing. A hook that returns an error aborts the call with it.
//
// Response hooks run before the body is parsed and may replace
// resp.Body and resp.Header (for instance, to turn a form-encoded answer
// into JSON). Request hooks receive the request about to be sent, a copy
// owned by the session, and may change its URL and headers, and replace
// its body: set req.Body to the new content (and Content-Type when its
// type changes), nothing else. The session then reads the new body (at
// most 1 MiB) and sets ContentLength and GetBody to match it, so that the
// request can be sent again (an HTTP/2 retry, or a same-origin redirect of
// a protected request) with the same body. To change a form, read
// req.Body, edit the values and set req.Body to their encoding.
type Hooks struct {
	// AccessTokenResponse runs on every token endpoint answer to a grant
	// other than refresh_token.
	AccessTokenResponse []func(resp *http.Response) error
	// RefreshTokenRequest runs on every refresh request to the token
	// endpoint, after client authentication, before it is sent.
	RefreshTokenRequest []func(req *http.Request) error
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

// syncBody makes ContentLength and GetBody agree with a body a request
// hook set in place of before, which it closes.
func syncBody(r *http.Request, before io.ReadCloser) error {
	if r.Body == before {
		return nil
	}
	if before != nil {
		before.Close()
	}
	if r.Body == nil || r.Body == http.NoBody {
		setBody(r, nil)
		return nil
	}
	b, err := wire.ReadBody(r.Body, wire.MaxBody)
	r.Body.Close()
	if err != nil {
		return fmt.Errorf("reading the body a hook set: %w", err)
	}
	setBody(r, b)
	return nil
}

// setBody gives r the body b, with a matching ContentLength and GetBody.
func setBody(r *http.Request, b []byte) {
	if len(b) == 0 {
		r.Body, r.ContentLength = http.NoBody, 0
		r.GetBody = func() (io.ReadCloser, error) { return http.NoBody, nil }
		return
	}
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}
