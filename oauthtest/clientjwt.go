package oauthtest

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/oauthkit/oauthkit/jose"
)

// clientAssertionType is the only client_assertion_type supported
// (RFC 7523 §2.2).
const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// assertionClient authenticates a client by a JWT assertion, for the
// client_secret_jwt and private_key_jwt methods (RFC 7523 §2.2 and §3,
// OpenID Connect Core 1.0 §9). Every failure is an invalid_client whose
// description says what is wrong.
func (s *Server) assertionClient(r *http.Request, form url.Values, cr credentials) (*Client, *oauthError) {
	assertion := form.Get("client_assertion")
	switch {
	case form.Get("client_assertion_type") != clientAssertionType:
		return nil, cr.fail(fmt.Sprintf("client_assertion_type must be %q", clientAssertionType))
	case assertion == "":
		return nil, cr.fail("client_assertion required")
	}
	id := cr.id
	if id == "" {
		// client_id is optional (RFC 7523 §3): the subject names the
		// client, and the checks below verify that it may.
		id = unverifiedClaims(assertion).Subject
	}
	c, ok := s.client(id)
	if !ok {
		return nil, cr.fail("unknown client")
	}
	keys, algs, ok := clientKeys(c)
	if !ok {
		return nil, cr.fail("client registered for " + c.AuthMethod + " authenticated with a client assertion")
	}
	v, err := jose.Verify(r.Context(), assertion, keys, jose.VerifyOptions{Algorithms: algs})
	if err != nil {
		return nil, cr.fail("client_assertion: " + joseDetail(err))
	}
	if msg := s.checkClientClaims(c, v.Payload, s.clientAudiences(r)); msg != "" {
		return nil, cr.fail("client_assertion " + msg)
	}
	return c, nil
}

// clientKeys returns the keys and algorithms that may verify a client's
// assertions: HMAC with the secret for client_secret_jwt, the registered
// public keys and asymmetric algorithms only for private_key_jwt. It
// reports false for clients of other methods.
func clientKeys(c *Client) (*jose.KeySet, []string, bool) {
	switch c.AuthMethod {
	case ClientSecretJWT:
		// No "alg" on the key, so that each HMAC algorithm may use it.
		return &jose.KeySet{Keys: []*jose.Key{{Key: []byte(c.Secret)}}}, hmacAlgorithms, true
	case PrivateKeyJWT:
		return &jose.KeySet{Keys: registeredKeys(c)}, asymmetricAlgorithms, true
	}
	return nil, nil, false
}

// clientAudiences are the accepted "aud" values of a client assertion: the
// issuer, the token endpoint, and the endpoint the request was sent to.
func (s *Server) clientAudiences(r *http.Request) []string {
	return []string{s.issuer(), s.TokenURL(), s.URL + r.URL.Path}
}

// checkClientClaims checks the claims of a verified client assertion and
// records its jti. It returns what is wrong, or "".
func (s *Server) checkClientClaims(c *Client, payload []byte, audiences []string) string {
	cl, err := parseAssertionClaims(payload)
	switch {
	case err != nil:
		return "claims malformed: " + err.Error()
	// RFC 7523 §3 items 1 and 2; OpenID Connect Core 1.0 §9 requires
	// jti too.
	case cl.Issuer != c.ID:
		return fmt.Sprintf("iss %q is not the client ID", cl.Issuer)
	case cl.Subject != c.ID:
		return fmt.Sprintf("sub %q is not the client ID", cl.Subject)
	case cl.ID == "":
		return "jti missing"
	}
	if msg := cl.check(s.now(), audiences); msg != "" {
		return msg
	}
	if !s.useJTI("client "+c.ID, cl.ID, cl.expiry()) {
		return fmt.Sprintf("jti %q already used", cl.ID)
	}
	return ""
}
