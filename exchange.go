package oauthkit

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Token type identifiers of RFC 8693 section 3, for
// [TokenExchangeRequest] and [Token.IssuedTokenType].
const (
	TokenTypeAccessToken  = "urn:ietf:params:oauth:token-type:access_token"
	TokenTypeRefreshToken = "urn:ietf:params:oauth:token-type:refresh_token"
	TokenTypeIDToken      = "urn:ietf:params:oauth:token-type:id_token"
	TokenTypeSAML1        = "urn:ietf:params:oauth:token-type:saml1"
	TokenTypeSAML2        = "urn:ietf:params:oauth:token-type:saml2"
	TokenTypeJWT          = "urn:ietf:params:oauth:token-type:jwt"
)

// ErrorCodeInvalidTarget is the [Error.Code] of a token exchange (RFC 8693
// section 2.2.2) or a resource request (RFC 8707 section 2) that names a
// resource or audience the server will not issue a token for. Other
// refusals of a token exchange, an invalid subject or actor token
// included, are [ErrorCodeInvalidRequest].
const ErrorCodeInvalidTarget = "invalid_target"

// Wire names of RFC 8693 section 2.
const (
	fieldIssuedTokenType = "issued_token_type"
	paramSubjectToken    = "subject_token"
	paramActorToken      = "actor_token"
)

// ErrInvalidTokenExchange is wrapped by the errors of a token exchange
// grant whose request cannot be built: no subject token or type, an actor
// token without a type, or a token source that failed.
var ErrInvalidTokenExchange = errors.New("oauthkit: invalid token exchange request")

// TokenExchangeRequest holds the parameters of a token exchange (RFC 8693
// section 2.1), for [TokenExchange].
type TokenExchangeRequest struct {
	// SubjectToken is the token that represents the party on whose behalf
	// the request is made. Required unless SubjectTokenFunc is set.
	SubjectToken string
	// SubjectTokenFunc, when set, supplies the subject token for each
	// request instead of SubjectToken, for subject tokens that change,
	// such as a projected service-account token read from a file.
	SubjectTokenFunc func(ctx context.Context) (string, error)
	// SubjectTokenType is the subject token's type, such as
	// [TokenTypeAccessToken] or [TokenTypeJWT]. Required.
	SubjectTokenType string

	// ActorToken is the token of the acting party, for delegation; empty
	// for impersonation.
	ActorToken string
	// ActorTokenFunc, when set, supplies the actor token for each request
	// instead of ActorToken.
	ActorTokenFunc func(ctx context.Context) (string, error)
	// ActorTokenType is the actor token's type. Required with an actor
	// token.
	ActorTokenType string

	// RequestedTokenType is the type of token wanted, such as
	// [TokenTypeAccessToken]. Empty: the server decides.
	RequestedTokenType string
	// Resources are the resource URIs the token is for (each sent as a
	// resource parameter).
	Resources []string
	// Audiences are the logical names of the targets the token is for
	// (each sent as an audience parameter).
	Audiences []string
	// Scopes are the scopes wanted. Nil: no scope is sent, and the server
	// decides.
	Scopes []string
}

// TokenExchange is the token exchange grant of RFC 8693: it trades the
// subject token (and the actor token, for delegation) for a new token. The
// answer must carry issued_token_type (section 2.2.1), which
// [Token.IssuedTokenType] returns; one without it is
// [ErrInvalidTokenResponse].
//
// Use it with [Session.FetchToken], or as [Config.Grant] so that a service
// session exchanges again whenever its token is due. The tokens are
// redacted when the grant is printed.
func TokenExchange(r TokenExchangeRequest) Grant {
	r.Resources = slices.Clone(r.Resources)
	r.Audiences = slices.Clone(r.Audiences)
	r.Scopes = slices.Clone(r.Scopes)
	return &tokenExchange{r: r}
}

// tokenExchange is the grant built by TokenExchange; it is never written
// to after construction.
type tokenExchange struct{ r TokenExchangeRequest }

// TokenParams builds the request of RFC 8693 section 2.1.
func (g *tokenExchange) TokenParams(ctx context.Context) (url.Values, error) {
	r := &g.r
	subject, err := tokenFrom(ctx, r.SubjectToken, r.SubjectTokenFunc)
	if err != nil {
		return nil, fmt.Errorf("%w: subject token: %w", ErrInvalidTokenExchange, err)
	}
	actor, err := tokenFrom(ctx, r.ActorToken, r.ActorTokenFunc)
	if err != nil {
		return nil, fmt.Errorf("%w: actor token: %w", ErrInvalidTokenExchange, err)
	}
	switch {
	case subject == "":
		return nil, fmt.Errorf("%w: no subject token", ErrInvalidTokenExchange)
	case r.SubjectTokenType == "":
		return nil, fmt.Errorf("%w: no subject token type", ErrInvalidTokenExchange)
	case actor != "" && r.ActorTokenType == "":
		return nil, fmt.Errorf("%w: actor token without a type", ErrInvalidTokenExchange)
	}
	v := url.Values{
		"grant_type":         {GrantTypeTokenExchange},
		paramSubjectToken:    {subject},
		"subject_token_type": {r.SubjectTokenType},
	}
	if actor != "" {
		v.Set(paramActorToken, actor)
		v.Set("actor_token_type", r.ActorTokenType)
	}
	if r.RequestedTokenType != "" {
		v.Set("requested_token_type", r.RequestedTokenType)
	}
	for _, res := range r.Resources {
		v.Add("resource", res)
	}
	for _, aud := range r.Audiences {
		v.Add("audience", aud)
	}
	if len(r.Scopes) > 0 {
		v.Set("scope", strings.Join(r.Scopes, " "))
	}
	return v, nil
}

// checkToken requires issued_token_type (RFC 8693 section 2.2.1).
func (g *tokenExchange) checkToken(tok *Token) error {
	if tok.IssuedTokenType() == "" {
		return fmt.Errorf("%w: token exchange answer without issued_token_type", ErrInvalidTokenResponse)
	}
	return nil
}

// String describes the grant without its tokens.
func (g *tokenExchange) String() string {
	r := &g.r
	return fmt.Sprintf("oauthkit.TokenExchange{SubjectToken:%s SubjectTokenType:%q ActorToken:%s ActorTokenType:%q RequestedTokenType:%q Resources:%q Audiences:%q Scopes:%q}",
		redact(r.SubjectToken), r.SubjectTokenType, redact(r.ActorToken), r.ActorTokenType, r.RequestedTokenType, r.Resources, r.Audiences, r.Scopes)
}

// GoString is String, so %#v redacts too.
func (g *tokenExchange) GoString() string { return g.String() }

func tokenFrom(ctx context.Context, fixed string, fn func(context.Context) (string, error)) (string, error) {
	if fn == nil {
		return fixed, nil
	}
	return fn(ctx)
}

// IssuedTokenType returns the issued_token_type of a token exchange
// answer (RFC 8693 section 2.2.1), such as [TokenTypeAccessToken], or ""
// for a token from another grant.
func (t *Token) IssuedTokenType() string {
	if t == nil {
		return ""
	}
	s, _ := t.Extra[fieldIssuedTokenType].(string)
	return s
}

// tokenChecker is a grant with its own checks of the token it obtains.
type tokenChecker interface {
	checkToken(tok *Token) error
}

// checkGrantToken applies the grant's own checks, if it has any, to the
// token of answer r.
func checkGrantToken(g Grant, tok *Token, r *rawResponse) error {
	c, ok := g.(tokenChecker)
	if !ok {
		return nil
	}
	if err := c.checkToken(tok); err != nil {
		return &ResponseError{Endpoint: endpointToken, StatusCode: r.status, ContentType: r.header.Get("Content-Type"), Err: err}
	}
	return nil
}
