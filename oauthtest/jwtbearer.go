package oauthtest

import (
	"bytes"
	"cmp"
	"context"
	"net/url"

	"github.com/oauthkit/oauthkit/jose"
)

// TrustIssuer makes the JWT-bearer grant (RFC 7523 §2.1) accept assertions
// whose "iss" is issuer and that key verifies. key may be a public or
// private key (only the public half is kept) or an HMAC secret. Calling
// it again for the same issuer adds a key. It may be called at any time;
// it panics if issuer is empty or key is nil.
func (s *Server) TrustIssuer(issuer string, key *jose.Key) {
	s.init()
	if issuer == "" || key == nil {
		panic("oauthtest: TrustIssuer needs an issuer and a key")
	}
	k := *key
	if pub := key.Public(); pub != nil {
		k = *pub
	} else if b, ok := k.Key.([]byte); ok {
		k.Key = bytes.Clone(b)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.issuers[issuer] = append(s.issuers[issuer], &k)
}

func (s *Server) trustedKeys(issuer string) []*jose.Key {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*jose.Key(nil), s.issuers[issuer]...)
}

// jwtBearerGrant issues an access token for a JWT assertion from a trusted
// issuer (RFC 7523 §2.1, §3). The token's subject is the assertion's "sub"
// ("iss" when there is none); when that is the server's User, the token is
// the user's. The scope is the scope parameter, or else the assertion's
// "scope" claim. No refresh token is issued. Clients that send no
// credentials are anonymous: the assertion's issuer stands for them.
func (s *Server) jwtBearerGrant(c *Client, form url.Values) (grant, *oauthError) {
	assertion := form.Get("assertion")
	if assertion == "" {
		return grant{}, errorf(errInvalidRequest, "assertion required")
	}
	cl, e := s.verifyGrantAssertion(assertion)
	if e != nil {
		return grant{}, e
	}
	if c.ID == "" {
		anon := *c
		anon.ID = cl.Issuer
		c = &anon
	}
	scope, e := grantedScope(c, cmp.Or(form.Get("scope"), cl.Scope))
	if e != nil {
		return grant{}, e
	}
	g := grant{client: c, scope: scope, subject: cmp.Or(cl.Subject, cl.Issuer)}
	if u := s.user(); u.Subject == g.subject {
		g.user = &u
	}
	return g, nil
}

// verifyGrantAssertion verifies an authorization grant assertion: its
// issuer is trusted and one of its keys signed it (any algorithm that
// fits the key), its claims pass RFC 7523 §3 with the issuer or token
// endpoint as audience, and its jti, if any, was not used before. Every
// failure is an invalid_grant (RFC 7523 §3.1).
func (s *Server) verifyGrantAssertion(assertion string) (*assertionClaims, *oauthError) {
	iss := unverifiedClaims(assertion).Issuer
	keys := s.trustedKeys(iss)
	if len(keys) == 0 {
		return nil, errorf(errInvalidGrant, "assertion issuer %q not trusted", iss)
	}
	// A static key set: verification does no I/O that a context could end.
	v, err := jose.Verify(context.Background(), assertion, &jose.KeySet{Keys: keys},
		jose.VerifyOptions{Algorithms: allAlgorithms})
	if err != nil {
		return nil, errorf(errInvalidGrant, "assertion: %s", joseDetail(err))
	}
	cl, err := parseAssertionClaims(v.Payload)
	if err != nil {
		return nil, errorf(errInvalidGrant, "assertion claims malformed: %v", err)
	}
	if msg := cl.check(s.now(), []string{s.issuer(), s.TokenURL()}); msg != "" {
		return nil, errorf(errInvalidGrant, "assertion %s", msg)
	}
	if cl.ID != "" && !s.useJTI("issuer "+iss, cl.ID, cl.expiry()) {
		return nil, errorf(errInvalidGrant, "assertion jti %q already used", cl.ID)
	}
	return cl, nil
}
