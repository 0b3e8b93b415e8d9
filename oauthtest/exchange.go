package oauthtest

import (
	"net/url"
	"strings"
)

// tokenTypeAccessToken is the token type token exchange accepts for
// subject and actor tokens and issues (RFC 8693 §3).
const tokenTypeAccessToken = "urn:ietf:params:oauth:token-type:access_token"

// errInvalidTarget is RFC 8693 §2.2.2's answer to a resource or audience
// the server will not issue a token for.
const errInvalidTarget = "invalid_target"

// tokenExchangeGrant exchanges an active access token of this server for a
// new one issued to the requesting client, with the same subject and the
// same or a narrower scope (RFC 8693 §2):
//   - subject_token_type, and actor_token_type when an actor token is
//     given, must be access tokens, themselves active tokens of this
//     server; the actor token's subject becomes the new token's act.sub
//     (§4.1), seen in introspection;
//   - requested_token_type, when given, must be an access token;
//   - resource (absolute URIs without fragment, RFC 8707 §2) and audience
//     may be repeated; the new token is for all of them, reported as aud
//     by introspection. A resource that is not such a URI is
//     invalid_target.
//
// Other errors are invalid_request, as §2.2.2 says, or invalid_scope.
func (s *Server) tokenExchangeGrant(c *Client, form url.Values) (grant, *oauthError) {
	if e := checkExchangeTypes(form); e != nil {
		return grant{}, e
	}
	t, ok := s.activeToken(form.Get("subject_token"))
	if !ok || t.refresh {
		return grant{}, errorf(errInvalidRequest, "subject_token is not an active access token")
	}
	g := grant{client: c, user: t.user, subject: t.subject(), issuedTokenType: tokenTypeAccessToken}
	if form.Has("actor_token") {
		a, ok := s.activeToken(form.Get("actor_token"))
		if !ok || a.refresh {
			return grant{}, errorf(errInvalidRequest, "actor_token is not an active access token")
		}
		g.actor = a.subject()
	}
	for _, r := range form["resource"] {
		u, err := url.Parse(r)
		if err != nil || !u.IsAbs() || u.Fragment != "" {
			return grant{}, errorf(errInvalidTarget, "resource %q is not an absolute URI without a fragment", r)
		}
		g.audience = append(g.audience, r)
	}
	for _, a := range form["audience"] {
		if a == "" {
			return grant{}, errorf(errInvalidTarget, "empty audience")
		}
		g.audience = append(g.audience, a)
	}
	g.scope = strings.Join(strings.Fields(form.Get("scope")), " ")
	switch {
	case g.scope == "":
		g.scope = t.scope
	case !subScope(g.scope, t.scope):
		return grant{}, errorf(errInvalidScope, "scope %q exceeds the subject token's", g.scope)
	}
	return g, nil
}

// checkExchangeTypes checks the token types of a token exchange request.
func checkExchangeTypes(form url.Values) *oauthError {
	switch {
	case form.Get("subject_token") == "":
		return errorf(errInvalidRequest, "subject_token required")
	case form.Get("subject_token_type") != tokenTypeAccessToken:
		return errorf(errInvalidRequest, "subject_token_type must be %q", tokenTypeAccessToken)
	case form.Has("actor_token") && form.Get("actor_token_type") != tokenTypeAccessToken:
		return errorf(errInvalidRequest, "actor_token_type must be %q", tokenTypeAccessToken)
	case !form.Has("actor_token") && form.Has("actor_token_type"):
		return errorf(errInvalidRequest, "actor_token_type without actor_token")
	case form.Get("requested_token_type") != "" && form.Get("requested_token_type") != tokenTypeAccessToken:
		return errorf(errInvalidRequest, "requested_token_type must be %q", tokenTypeAccessToken)
	}
	return nil
}
