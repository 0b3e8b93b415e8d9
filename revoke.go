package oauthkit

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"

	"github.com/oauthkit/oauthkit/internal/wire"
)

// Token type hints of RFC 7009 section 2.1 and RFC 7662 section 2.1, for
// [WithTokenTypeHint].
const (
	TokenTypeHintAccessToken  = "access_token"
	TokenTypeHintRefreshToken = "refresh_token"
)

// RevokeOption is an option of [Session.Revoke].
type RevokeOption interface {
	applyRevoke(*endpointParams)
}

// IntrospectOption is an option of [Session.Introspect].
type IntrospectOption interface {
	applyIntrospect(*endpointParams)
}

// EndpointOption is an option that fits both [Session.Revoke] and
// [Session.Introspect], such as [WithEndpointURL] and [WithTokenTypeHint].
type EndpointOption interface {
	RevokeOption
	IntrospectOption
}

// endpointParams are the per-call parameters of revocation and
// introspection.
type endpointParams struct {
	url     string
	hint    string
	hintSet bool
	auth    ClientAuth
	params  url.Values
}

type endpointFunc func(*endpointParams)

func (f endpointFunc) applyRevoke(p *endpointParams)     { f(p) }
func (f endpointFunc) applyIntrospect(p *endpointParams) { f(p) }

// WithEndpointURL sends one revocation or introspection request to u
// instead of [Config.RevocationURL] or [Config.IntrospectionURL] (Authlib's
// url argument). The transport rules of the session apply to it.
func WithEndpointURL(u string) EndpointOption {
	return endpointFunc(func(p *endpointParams) { p.url = u })
}

// WithTokenTypeHint sets token_type_hint, usually
// [TokenTypeHintAccessToken] or [TokenTypeHintRefreshToken]. An empty hint
// sends none. Without this option the hint is inferred from the session's
// token (see [Session.Revoke]).
func WithTokenTypeHint(hint string) EndpointOption {
	return endpointFunc(func(p *endpointParams) { p.hint, p.hintSet = hint, true })
}

// WithEndpointClientAuth authenticates one revocation or introspection
// request with m instead of the session's method (Authlib's auth
// argument).
func WithEndpointClientAuth(m ClientAuth) EndpointOption {
	return endpointFunc(func(p *endpointParams) { p.auth = m })
}

// WithEndpointParam adds a parameter to the body of one revocation or
// introspection request. It does not replace token or token_type_hint.
func WithEndpointParam(key, value string) EndpointOption {
	return endpointFunc(func(p *endpointParams) {
		if p.params == nil {
			p.params = url.Values{}
		}
		p.params.Add(key, value)
	})
}

// Revoke asks the authorization server to revoke token (RFC 7009). When
// token is empty it revokes the session's refresh token, or its access
// token when it has no refresh token; servers that support revocation of
// refresh tokens then also invalidate the access tokens issued with it
// (RFC 7009 section 2.1).
//
// Unless [WithTokenTypeHint] says otherwise, token_type_hint names the
// kind of the session's token that token is, and is left out for a token
// the session does not hold. The client authenticates as it does at the
// token endpoint; Hooks.RevokeTokenRequest run on the request.
//
// Any 2xx answer means success; its body is ignored (RFC 7009 section
// 2.2), unless it is an RFC 6749 error object. When the revoked token is
// the session's access or refresh token, the session's token is cleared.
// Errors are an [*Error] for an error answer (for example
// "unsupported_token_type"), a [*ResponseError] for anything else; a 503
// answer also matches [ErrServiceUnavailable], and [RetryAfter] tells how
// long to wait. On error the session keeps its token.
func (s *Session) Revoke(ctx context.Context, token string, opts ...RevokeOption) error {
	var p endpointParams
	for _, o := range opts {
		o.applyRevoke(&p)
	}
	token, hint, err := s.tokenAndHint(endpointRevocation, token, &p, true)
	if err != nil {
		return err
	}
	raw, err := s.postLifecycle(ctx, endpointRevocation, cmpOr(p.url, s.cfg.RevocationURL), token, hint, &p, s.cfg.Hooks.RevokeTokenRequest)
	if err != nil {
		return err
	}
	if err := revocationResult(raw); err != nil {
		return err
	}
	s.forget(token)
	return nil
}

// tokenAndHint picks the token of a revocation or introspection request
// and its token_type_hint. With preferRefresh, an empty token means the
// session's refresh token when it has one.
func (s *Session) tokenAndHint(endpoint, token string, p *endpointParams, preferRefresh bool) (string, string, error) {
	st := s.cur.Load()
	var held *Token
	if st != nil {
		held = st.tok
	}
	hint := ""
	switch {
	case token == "" && held == nil:
		return "", "", fmt.Errorf("%w for the %s endpoint", ErrNoToken, endpoint)
	case token == "" && preferRefresh && held.RefreshToken != "":
		token, hint = held.RefreshToken, TokenTypeHintRefreshToken
	case token == "":
		token, hint = held.AccessToken, TokenTypeHintAccessToken
	case held != nil && token == held.AccessToken:
		hint = TokenTypeHintAccessToken
	case held != nil && token == held.RefreshToken:
		hint = TokenTypeHintRefreshToken
	}
	if token == "" {
		return "", "", fmt.Errorf("%w for the %s endpoint", ErrNoToken, endpoint)
	}
	if p.hintSet {
		hint = p.hint
	}
	return token, hint, nil
}

// postLifecycle sends a revocation or introspection request.
func (s *Session) postLifecycle(ctx context.Context, endpoint, rawURL, token, hint string, p *endpointParams, hooks []func(*http.Request) error) (*rawResponse, error) {
	if rawURL == "" {
		return nil, fmt.Errorf("%w: no %s url", ErrNoEndpoint, endpoint)
	}
	form := url.Values{"token": {token}}
	if hint != "" {
		form.Set("token_type_hint", hint)
	}
	for k, vs := range p.params {
		if len(form[k]) == 0 {
			form[k] = slices.Clone(vs)
		}
	}
	auth := s.auth
	if p.auth != nil {
		auth = p.auth
	}
	return s.post(ctx, endpointCall{endpoint: endpoint, url: rawURL, form: form, auth: auth, reqHooks: hooks})
}

// revocationResult interprets a revocation answer (RFC 7009 section 2.2).
func revocationResult(r *rawResponse) error {
	if r.status >= 200 && r.status <= 299 {
		// The body is meaningless on success, but some servers answer
		// errors with 200: an RFC 6749 error object is still an error.
		if m, err := wire.Decode(r.header.Get("Content-Type"), r.body); err == nil {
			if e := errorFromMembers(endpointRevocation, r.status, m, r.body); e != nil {
				return e
			}
		}
		return nil
	}
	_, err := r.decodeLifecycle(endpointRevocation)
	return err
}

// decodeLifecycle is decode, with 503 answers also matching
// ErrServiceUnavailable.
func (r *rawResponse) decodeLifecycle(endpoint string) (map[string]any, error) {
	m, err := r.decode(endpoint)
	if err != nil && r.status == http.StatusServiceUnavailable {
		return nil, withSentinel(err, ErrServiceUnavailable)
	}
	return m, err
}

// forget clears the session's token when token is its access or refresh
// token. A token a renewal stored meanwhile is kept unless it still
// carries the revoked one.
func (s *Session) forget(token string) {
	for {
		st := s.cur.Load()
		if st == nil || token == "" || (st.tok.AccessToken != token && st.tok.RefreshToken != token) {
			return
		}
		if s.cur.CompareAndSwap(st, nil) {
			s.log.Debug("oauthkit: revoked token cleared from session")
			return
		}
	}
}
