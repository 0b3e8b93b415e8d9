package xoauth2

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"strings"

	"golang.org/x/oauth2"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/dpop"
	"github.com/oauthkit/oauthkit/internal/redact"
	"github.com/oauthkit/oauthkit/internal/secure"
)

// Members of a token response that have fields of their own in
// oauthkit.Token but not in oauth2.Token.
const (
	memberIDToken = "id_token"
	memberScope   = "scope"
)

// TokenSource returns an [oauth2.TokenSource] backed by s: each Token call
// returns the session's current token, renewed first when it is due, with
// the same single-flight renewal, retries and OnTokenUpdate callback as
// the session's own requests. A session without a token (and without
// Config.Grant) yields [oauthkit.ErrNoToken]; a DPoP-bound token, which
// is useless without a proof that x/oauth2 cannot make, yields
// [oauthkit.ErrUnsupportedTokenType] (use the session's own client).
//
// Renewals run with [context.Background], because oauth2.TokenSource
// takes no context; a renewal is still bounded by the session's own
// timeout. Use [TokenSourceContext] to give a context.
//
// The source is safe for concurrent use by multiple goroutines, and needs
// no [oauth2.ReuseTokenSource]: the session already reuses its token.
func TokenSource(s *oauthkit.Session) oauth2.TokenSource {
	return TokenSourceContext(context.Background(), s)
}

// TokenSourceContext is [TokenSource] with renewals run under ctx: once
// ctx ends, Token returns its error instead of renewing. The context is
// kept for the life of the source, since oauth2.TokenSource has no other
// way to receive one.
func TokenSourceContext(ctx context.Context, s *oauthkit.Session) oauth2.TokenSource {
	return &sessionSource{ctx: ctx, s: s}
}

type sessionSource struct {
	ctx context.Context // oauth2.TokenSource.Token takes none
	s   *oauthkit.Session
}

func (ss *sessionSource) Token() (*oauth2.Token, error) {
	tok, err := ss.s.ValidToken(ss.ctx)
	if err != nil {
		return nil, err
	}
	if strings.EqualFold(tok.TokenType, dpop.Scheme) {
		// Its consumers would send it without the proof each request
		// needs (RFC 9449 section 7), many of them as a bearer token.
		return nil, fmt.Errorf("xoauth2: token: a DPoP-bound token needs a proof on each request, which an oauth2.TokenSource cannot give: %w", oauthkit.ErrUnsupportedTokenType)
	}
	return ToOAuth2(tok), nil
}

// ToOAuth2 converts t to an [oauth2.Token]: access and refresh token,
// token type, expiry and expires_in; the ID token, scope and every member
// of t.Extra are available with [oauth2.Token.Extra] (for instance
// Extra("id_token")). A nil t gives nil.
func ToOAuth2(t *oauthkit.Token) *oauth2.Token {
	if t == nil {
		return nil
	}
	o := &oauth2.Token{
		AccessToken:  t.AccessToken,
		TokenType:    t.TokenType,
		RefreshToken: t.RefreshToken,
		Expiry:       t.ExpiresAt,
		ExpiresIn:    t.ExpiresIn,
	}
	raw := make(map[string]any, len(t.Extra)+2)
	maps.Copy(raw, t.Extra)
	if t.IDToken != "" {
		raw[memberIDToken] = t.IDToken
	}
	if t.Scope != "" {
		raw[memberScope] = t.Scope
	}
	return o.WithExtra(raw)
}

// FromOAuth2 converts t to an [oauthkit.Token]. The ID token and scope
// are read from t's extra members ("id_token", "scope"). An oauth2.Token
// cannot list its other extra members, so the ones to keep in
// oauthkit.Token.Extra are named in extraKeys; absent ones are skipped.
// An empty token type becomes "Bearer", as [oauth2.Token.Type] reads it.
// A nil t gives nil.
func FromOAuth2(t *oauth2.Token, extraKeys ...string) *oauthkit.Token {
	if t == nil {
		return nil
	}
	out := &oauthkit.Token{
		AccessToken:  t.AccessToken,
		TokenType:    t.TokenType,
		RefreshToken: t.RefreshToken,
		ExpiresAt:    t.Expiry,
		ExpiresIn:    t.ExpiresIn,
	}
	if out.TokenType == "" {
		out.TokenType = "Bearer"
	}
	out.IDToken, _ = t.Extra(memberIDToken).(string)
	out.Scope, _ = t.Extra(memberScope).(string)
	for _, k := range extraKeys {
		v := t.Extra(k)
		if v == nil || v == "" {
			continue
		}
		if out.Extra == nil {
			out.Extra = make(map[string]any, len(extraKeys))
		}
		out.Extra[k] = v
	}
	return out
}

// Source is a source of oauthkit tokens backed by an
// [oauth2.TokenSource], for tokens obtained with x/oauth2 (for instance
// Google's application default credentials) used with oauthkit's
// conventions: a context-first Token method, *oauthkit.Token values, and
// an HTTP client that never modifies the caller's request and refuses to
// send a token over plain http to a host that is not loopback.
//
// A Source is safe for concurrent use by multiple goroutines when the
// wrapped token source is; FromTokenSource makes it so.
type Source struct {
	ts oauth2.TokenSource
}

// FromTokenSource returns a [Source] taking its tokens from ts, wrapped
// in [oauth2.ReuseTokenSource] so a token is reused while it is valid and
// concurrent calls are serialized.
func FromTokenSource(ts oauth2.TokenSource) *Source {
	return &Source{ts: oauth2.ReuseTokenSource(nil, ts)}
}

// Token returns the current token of the source. ctx is checked before
// the call only: an oauth2.TokenSource takes no context, so a token fetch
// in progress cannot be interrupted.
func (s *Source) Token(ctx context.Context) (*oauthkit.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("xoauth2: token: %w", context.Cause(ctx))
	}
	t, err := s.ts.Token()
	if err != nil {
		return nil, tokenError{redact.URLError(err)}
	}
	return FromOAuth2(t), nil
}

// tokenError is an error of the wrapped token source. Its text is
// redacted: x/oauth2's RetrieveError prints the token endpoint's body,
// tokens and echoed secrets included. errors.As still finds the original.
type tokenError struct{ err error }

func (e tokenError) Error() string {
	return "xoauth2: token: " + redact.String(strings.ReplaceAll(e.err.Error(), "\n", " "))
}

func (e tokenError) Unwrap() error { return e.err }

// Format prints Error for every verb.
func (e tokenError) Format(f fmt.State, verb rune) { fmt.Fprint(f, e.Error()) }

// Client returns an [http.Client] whose requests carry the source's token
// in an Authorization header. Its transport, redirect policy, cookie jar
// and timeout come from base; a nil base means [http.DefaultClient].
// Requests to plain http hosts other than loopback are refused, and a
// request that follows a redirect to another origin is sent without the
// token, as with [oauthkit.Transport].
func (s *Source) Client(base *http.Client) *http.Client {
	if base == nil {
		base = http.DefaultClient
	}
	c := *base
	c.Transport = &transport{src: s, base: base.Transport}
	return &c
}

// transport authorizes copies of requests with the source's token.
type transport struct {
	src  *Source
	base http.RoundTripper // nil: http.DefaultTransport
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	if secure.CrossOriginRedirect(req) {
		// As oauthkit.Transport: never hand the token to another origin a
		// server redirects to.
		return base.RoundTrip(req)
	}
	tok, err := t.src.ts.Token()
	if err != nil {
		err = tokenError{redact.URLError(err)}
	} else {
		err = checkTransport(req)
	}
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	r2 := req.Clone(req.Context())
	tok.SetAuthHeader(r2)
	return base.RoundTrip(r2)
}

// checkTransport refuses plain http to a host that is not loopback, by
// oauthkit's own rule (RFC 8252 section 8.3 names the loopback hosts).
func checkTransport(req *http.Request) error {
	if err := secure.CheckTransport(req.URL, false); err != nil {
		return fmt.Errorf("%w: %v", oauthkit.ErrInsecureTransport, err)
	}
	return nil
}
