package oauthtest

import (
	"net/url"
	"strings"
)

// tokenTypeAccessToken is the only token type token exchange accepts and
// issues (RFC 8693 §3).
const tokenTypeAccessToken = "urn:ietf:params:oauth:token-type:access_token"

// tokenExchangeGrant exchanges an active access token of this server for a
// new one issued to the requesting client, with the same subject and the
// same or a narrower scope (RFC 8693 §2). It is deliberately minimal:
// subject_token_type and requested_token_type must be access tokens, and
// actor tokens, resource and audience are not supported. Errors are
// invalid_request, as §2.2.2 says, or invalid_scope.
func (s *Server) tokenExchangeGrant(c *Client, form url.Values) (grant, *oauthError) {
	subjectToken := form.Get("subject_token")
	switch {
	case subjectToken == "":
		return grant{}, errorf(errInvalidRequest, "subject_token required")
	case form.Get("subject_token_type") != tokenTypeAccessToken:
		return grant{}, errorf(errInvalidRequest, "subject_token_type must be %q", tokenTypeAccessToken)
	case form.Has("actor_token"):
		return grant{}, errorf(errInvalidRequest, "actor_token not supported")
	case form.Get("requested_token_type") != "" && form.Get("requested_token_type") != tokenTypeAccessToken:
		return grant{}, errorf(errInvalidRequest, "requested_token_type must be %q", tokenTypeAccessToken)
	}
	t, ok := s.activeToken(subjectToken)
	if !ok || t.refresh {
		return grant{}, errorf(errInvalidRequest, "subject_token is not an active access token")
	}
	scope := strings.Join(strings.Fields(form.Get("scope")), " ")
	switch {
	case scope == "":
		scope = t.scope
	case !subScope(scope, t.scope):
		return grant{}, errorf(errInvalidScope, "scope %q exceeds the subject token's", scope)
	}
	return grant{
		client: c, user: t.user, subject: t.subject(), scope: scope,
		issuedTokenType: tokenTypeAccessToken,
	}, nil
}
