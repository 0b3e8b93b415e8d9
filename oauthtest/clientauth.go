package oauthtest

import (
	"crypto/subtle"
	"net/http"
	"net/url"
)

// methodAssertion marks a request with a client_assertion (RFC 7523 §2.2);
// which of the two JWT methods it is depends on the registration, since both
// look alike on the wire.
const methodAssertion = "client_assertion"

// credentials are the client credentials presented with a request.
type credentials struct {
	method string // the authentication method the client used
	id     string
	secret string
}

// authenticateClient authenticates the client of a request to the token,
// revocation, introspection or device authorization endpoint, strictly by
// the method the client registered (RFC 6749 §2.3).
func (s *Server) authenticateClient(r *http.Request, form url.Values) (*Client, *oauthError) {
	cr, e := presentedCredentials(r, form)
	if e != nil {
		return nil, e
	}
	if cr.method == methodAssertion {
		return s.assertionClient(r, form, cr)
	}
	c, ok := s.client(cr.id)
	if !ok {
		return nil, cr.fail("unknown client")
	}
	if cr.method == AuthNone && isTLSMethod(c.AuthMethod) {
		return s.tlsClient(r, c, cr)
	}
	if cr.method != c.AuthMethod {
		return nil, cr.fail("client registered for " + c.AuthMethod + " authenticated with " + cr.method)
	}
	if cr.method == AuthNone {
		return c, nil
	}
	if subtle.ConstantTimeCompare([]byte(cr.secret), []byte(c.Secret)) != 1 {
		return nil, cr.fail("wrong client secret")
	}
	return c, nil
}

// hasCredentials reports whether a request carries any client credentials
// or client_id.
func hasCredentials(r *http.Request, form url.Values) bool {
	return r.Header.Get("Authorization") != "" || form.Has("client_id") || form.Has("client_secret") ||
		form.Has("client_assertion") || form.Has("client_assertion_type") ||
		r.URL.Query().Has("client_id") || r.URL.Query().Has("client_secret")
}

// presentedCredentials finds the client credentials in a request. A client
// must not use more than one authentication method (RFC 6749 §2.3).
func presentedCredentials(r *http.Request, form url.Values) (credentials, *oauthError) {
	var found []credentials
	if r.Header.Get("Authorization") != "" {
		cr, e := basicCredentials(r)
		if e != nil {
			return cr, e
		}
		found = append(found, cr)
	}
	if form.Has("client_secret") {
		found = append(found, credentials{ClientSecretPost, form.Get("client_id"), form.Get("client_secret")})
	}
	if q := r.URL.Query(); q.Has("client_secret") {
		found = append(found, credentials{ClientSecretURI, q.Get("client_id"), q.Get("client_secret")})
	}
	if form.Has("client_assertion") || form.Has("client_assertion_type") {
		found = append(found, credentials{method: methodAssertion, id: form.Get("client_id")})
	}
	switch len(found) {
	case 0:
		if id := form.Get("client_id"); id != "" {
			return credentials{method: AuthNone, id: id}, nil
		}
		return credentials{}, &oauthError{status: http.StatusUnauthorized,
			code: errInvalidClient, description: "client authentication required"}
	case 1:
	default:
		return credentials{}, errorf(errInvalidRequest, "more than one client authentication method used")
	}
	cr := found[0]
	if id := form.Get("client_id"); id != "" && id != cr.id && cr.id != "" {
		return credentials{}, errorf(errInvalidRequest, "client_id does not match the authenticated client")
	}
	if cr.id == "" {
		cr.id = form.Get("client_id")
	}
	return cr, nil
}

// basicCredentials decodes HTTP Basic client credentials. The client ID and
// secret are form-urlencoded before base64 encoding (RFC 6749 §2.3.1).
func basicCredentials(r *http.Request) (credentials, *oauthError) {
	cr := credentials{method: ClientSecretBasic}
	id, secret, ok := r.BasicAuth()
	if !ok {
		return cr, cr.fail("malformed Authorization header")
	}
	var err1, err2 error
	cr.id, err1 = url.QueryUnescape(id)
	cr.secret, err2 = url.QueryUnescape(secret)
	if err1 != nil || err2 != nil {
		return cr, cr.fail("malformed form-urlencoded credentials")
	}
	return cr, nil
}

// fail returns an invalid_client error, with the challenge RFC 6749 §5.2
// requires when the client used the Authorization header.
func (cr credentials) fail(description string) *oauthError {
	e := &oauthError{status: http.StatusUnauthorized, code: errInvalidClient, description: description}
	if cr.method == ClientSecretBasic {
		e.authenticate = `Basic realm="oauthtest"`
	}
	return e
}
