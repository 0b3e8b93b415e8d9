package oauthkit

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oauthkit/oauthkit/dpop"
)

// defaultLeeway is how long before expiry a token is refreshed when
// Config.Leeway is zero.
const defaultLeeway = 60 * time.Second

// Session is an OAuth 2.0 client session: it builds authorization URLs,
// requests tokens with every grant, holds the current token, renews it
// before it expires, and authorizes requests to protected resources.
//
// A Session is safe for concurrent use by multiple goroutines. Every call
// that does I/O takes a context; cancelling it ends that call only.
type Session struct {
	cfg    Config
	auth   ClientAuth
	client *http.Client
	log    *slog.Logger
	leeway time.Duration

	cur atomic.Pointer[tokenState] // the current token, read without a lock

	mu       sync.Mutex // guards flight, renew, failures, retryAt and pending
	flight   *flight    // the renewal in progress, if any
	renew    renewal    // how to renew a token without a refresh token
	failures int        // flights failed in a row
	retryAt  time.Time  // no automatic retry for a still-valid token before this
	pending  *pending   // a token Config.Store could not save

	hc clientOnce // the authorizing HTTP client

	dpop *dpop.Prover // nil without Config.DPoP

	tokenEndpoint knownEndpoint // Config.TokenURL, parsed and checked once
}

// tokenState is an immutable snapshot of the current token with what
// every request needs precomputed.
type tokenState struct {
	tok *Token
	// authz is the Authorization header value that presents tok, nil when
	// the session cannot send tokens of its type (see authorizationFor).
	authz []string
	// proof says that each request with tok needs a DPoP proof.
	proof bool
	// dueAt is when tok is due for renewal: its expiry less the effective
	// leeway. Zero: never.
	dueAt time.Time
	// unsaved is set when OnTokenUpdate failed for tok: the report is made
	// again before the token's next use.
	unsaved *unsaved
	// useUntil, read without a lock on every request, is the instant
	// before which callers use tok as it is: dueAt, or forever when tok
	// never expires; while a renewal of tok is in flight, or cooling down
	// after a failed one, its expiry or the cool-down's end, whichever
	// comes first. Nil (unsaved): ask under s.mu. Changed under s.mu by
	// holdUntil and endHold; a state that is no longer current is never
	// read again, so a stale value on it does not matter.
	useUntil atomic.Pointer[time.Time]
}

// forever is the useUntil of a token that never expires.
var forever = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// unsaved is a failed OnTokenUpdate report.
type unsaved struct {
	update TokenUpdate
	err    error
}

// NewSession validates cfg, reporting every problem at once, and returns a
// session using a copy of it.
func NewSession(cfg Config) (*Session, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg.Scopes = slices.Clone(cfg.Scopes)
	cfg.AuthMethods = maps.Clone(cfg.AuthMethods)
	auth, err := cfg.authMethod()
	if err != nil {
		return nil, err
	}
	s := &Session{cfg: cfg, auth: auth, client: cfg.HTTPClient, log: cfg.Logger, leeway: cfg.Leeway}
	s.tokenEndpoint = newKnownEndpoint(cfg.TokenURL, cfg.InsecureAllowHTTP)
	if s.client == nil {
		s.client = http.DefaultClient
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.leeway == 0 {
		s.leeway = defaultLeeway
	} else if s.leeway < 0 {
		s.leeway = 0
	}
	if cfg.DPoP != nil {
		if s.dpop, err = s.newProver(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Config returns a copy of the session's configuration.
func (s *Session) Config() Config {
	c := s.cfg
	c.Scopes = slices.Clone(c.Scopes)
	c.AuthMethods = maps.Clone(c.AuthMethods)
	return c
}

func (s *Session) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}

// Token returns a copy of the current token, or nil when there is none.
func (s *Session) Token() *Token {
	st := s.cur.Load()
	if st == nil {
		return nil
	}
	return st.tok.Clone()
}

// SetToken replaces the current token with a copy of tok, for instance one
// restored from storage; nil clears it. A token with ExpiresIn but without
// ExpiresAt expires ExpiresIn seconds from now (Authlib's rule); a token
// with neither is used until the server rejects it.
func (s *Session) SetToken(tok *Token) {
	if tok == nil {
		s.cur.Store(nil)
		return
	}
	tok = tok.Clone()
	if tok.ExpiresAt.IsZero() && tok.ExpiresIn != 0 {
		tok.ExpiresAt = s.now().Add(expiresInDuration(tok.ExpiresIn))
	}
	s.store(tok)
}

// store makes tok, which the session owns, the current token.
func (s *Session) store(tok *Token) {
	s.cur.Store(s.newState(tok, nil))
}

// newState precomputes what requests need from tok.
func (s *Session) newState(tok *Token, u *unsaved) *tokenState {
	st := &tokenState{tok: tok, authz: authorizationFor(tok, s.dpop != nil), unsaved: u}
	st.proof = st.authz != nil && isDPoPType(tok.TokenType)
	if !tok.ExpiresAt.IsZero() {
		st.dueAt = tok.ExpiresAt.Add(-s.effectiveLeeway(tok))
	}
	endHold(st)
	return st
}

// effectiveLeeway is the leeway for tok: Leeway, but at most half the
// token's lifetime when it is known (ExpiresIn), so that a token that
// lives less than twice the leeway is not renewed on every use.
func (s *Session) effectiveLeeway(tok *Token) time.Duration {
	if tok.ExpiresIn > 0 {
		return min(s.leeway, expiresInDuration(tok.ExpiresIn)/2)
	}
	return s.leeway
}

// authorizationFor returns the Authorization header value that presents
// tok, or nil when the session cannot send tokens of its type: Bearer
// (RFC 6750), also when the type is empty (Authlib's default), and DPoP
// (RFC 9449 section 7.1) when the session has a DPoP key. This is the one
// place that decides how a token type is sent; the per-request work of
// DPoP, a proof, is done by the transport (roundTripDPoP).
func authorizationFor(tok *Token, dpopKey bool) []string {
	switch {
	case tok.TokenType == "" || strings.EqualFold(tok.TokenType, "bearer"):
		return []string{"Bearer " + tok.AccessToken}
	case dpopKey && isDPoPType(tok.TokenType):
		return []string{dpop.Scheme + " " + tok.AccessToken}
	}
	return nil
}

// ready reports whether st can be used at now as it is, without taking
// s.mu: it is saved and either not due, or due with a renewal in flight
// or cooling down and not expired (see useUntil). A nil st is not ready.
func (st *tokenState) ready(now time.Time) bool {
	if st == nil {
		return false
	}
	u := st.useUntil.Load()
	return u != nil && now.Before(*u)
}

// held reports whether st is used past its due time until its expiry:
// while a renewal is in flight (or a cool-down outlasts the token). One
// pointer comparison, so that the fresh-token path pays nothing for it.
func (st *tokenState) held() bool {
	return st.useUntil.Load() == &st.tok.ExpiresAt
}

// holdUntil lets callers that find st due go on with it without s.mu
// until *until or st's expiry, whichever comes first; a nil until: until
// st's expiry, for as long as a renewal is in flight (see useUntil).
// Called with s.mu held.
func holdUntil(st *tokenState, until *time.Time) {
	if st == nil || st.unsaved != nil || st.dueAt.IsZero() {
		return
	}
	u := &st.tok.ExpiresAt // st owns tok, which does not change
	if until != nil && until.Before(*u) {
		t := *until
		u = &t
	}
	st.useUntil.Store(u)
}

// endHold makes callers that find st due ask under s.mu again (see
// useUntil). Called with s.mu held, or before st is published.
func endHold(st *tokenState) {
	switch {
	case st == nil:
	case st.unsaved != nil:
		st.useUntil.Store(nil)
	case st.dueAt.IsZero():
		st.useUntil.Store(&forever)
	default:
		st.useUntil.Store(&st.dueAt)
	}
}

// due reports whether st is due for renewal at now.
func (st *tokenState) due(now time.Time) bool {
	return !st.dueAt.IsZero() && !now.Before(st.dueAt)
}

// current reports whether st may be used at now while a renewal is in
// flight or after one failed: it is saved and has not expired.
func (st *tokenState) current(now time.Time) bool {
	return st != nil && st.unsaved == nil && !st.expired(now)
}

// expired reports whether st has expired at now.
func (st *tokenState) expired(now time.Time) bool {
	return st.tok.Expired(now, 0)
}

// usable returns st when it has not expired at now, else the error that
// says why there is no token to use.
func (st *tokenState) usable(now time.Time) (*tokenState, error) {
	switch {
	case st == nil:
		return nil, ErrNoToken
	case st.expired(now):
		return nil, fmt.Errorf("%w: expired at %s and cannot be renewed", ErrTokenExpired, st.tok.ExpiresAt.UTC().Format(time.RFC3339))
	}
	return st, nil
}

// String describes the session without secrets.
func (s *Session) String() string {
	return fmt.Sprintf("oauthkit.Session{ClientID:%q TokenURL:%q Token:%v}", s.cfg.ClientID, s.cfg.TokenURL, s.cur.Load().token())
}

func (st *tokenState) token() *Token {
	if st == nil {
		return nil
	}
	return st.tok
}

// FetchToken requests a token from the token endpoint with grant and makes
// it the session's token. A nil grant is the client credentials grant
// (Authlib's rule: no code and no user means client_credentials). The
// client authenticates with the session's method unless an option says
// otherwise. With [Config.Store] the token is saved to the store too;
// when that fails, FetchToken returns the token (the session keeps it)
// and an error matching [ErrStoreUnavailable].
func (s *Session) FetchToken(ctx context.Context, grant Grant, opts ...TokenOption) (*Token, error) {
	if grant == nil {
		grant = ClientCredentials()
	}
	p := tokenParamsOf(opts)
	tok, gt, err := s.requestToken(ctx, grant, &p, nil)
	if err != nil {
		return nil, err
	}
	if gt == GrantTypeClientCredentials {
		s.mu.Lock()
		s.renew = renewal{grant: grant, p: p}
		s.mu.Unlock()
	}
	s.store(tok)
	if s.cfg.Store != nil {
		if err := s.seedShared(ctx, tok); err != nil {
			return tok.Clone(), err
		}
	}
	return tok.Clone(), nil
}

// Exchange exchanges an authorization code for a token (RFC 6749 section
// 4.1.3). Give the PKCE verifier with [WithCodeVerifier]. Prefer
// [Session.ExchangeAuthorizationResponse], which also checks state and iss.
func (s *Session) Exchange(ctx context.Context, code string, opts ...TokenOption) (*Token, error) {
	var p tokenParams
	for _, o := range opts {
		o.applyToken(&p)
	}
	return s.FetchToken(ctx, AuthorizationCode(code, p.verifier), opts...)
}

// requestToken performs one token request without storing the result. It
// returns the grant type sent.
func (s *Session) requestToken(ctx context.Context, grant Grant, p *tokenParams, old *Token) (*Token, string, error) {
	tokenURL := cmpOr(p.tokenURL, s.cfg.TokenURL)
	if tokenURL == "" {
		return nil, "", fmt.Errorf("oauthkit: token url: %w", ErrNoEndpoint)
	}
	form, err := grant.TokenParams(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("oauthkit: token endpoint: grant: %w", err)
	}
	gt := form.Get("grant_type")
	s.completeForm(gt, form, p)
	auth, err := s.resolveAuth(p)
	if err != nil {
		return nil, gt, err
	}
	call := endpointCall{endpoint: endpointToken, url: tokenURL, form: form, auth: auth, respHooks: s.cfg.Hooks.AccessTokenResponse, dpop: true}
	if gt == GrantTypeRefreshToken {
		call.reqHooks, call.respHooks = s.cfg.Hooks.RefreshTokenRequest, s.cfg.Hooks.RefreshTokenResponse
	}
	raw, err := s.post(ctx, call)
	if err != nil {
		return nil, gt, err
	}
	tok, err := tokenFromResponse(raw, s.now())
	if err == nil {
		err = s.checkIssued(grant, tok, raw)
	}
	if err != nil {
		return nil, gt, err
	}
	// Validate only what this response carried, before the old ID token
	// is carried over; a refreshed one must agree with the old one.
	check := s.idCheck(gt, p)
	if old != nil {
		check.PreviousIDToken = old.IDToken
	}
	if err := s.validateIDToken(ctx, tok, check); err != nil {
		return nil, gt, err
	}
	if old != nil {
		keepOld(tok, old)
	}
	if s.log.Enabled(ctx, slog.LevelDebug) {
		s.log.DebugContext(ctx, "oauthkit: token issued", "grant_type", gt, "token", tok)
	}
	return tok, gt, nil
}

// completeForm adds what each grant needs from the session's config.
func (s *Session) completeForm(gt string, form map[string][]string, p *tokenParams) {
	set := func(k, v string) {
		if v != "" && len(form[k]) == 0 {
			form[k] = []string{v}
		}
	}
	scopes := s.cfg.Scopes
	if p.scopesSet {
		scopes = p.scopes
	}
	switch gt {
	case GrantTypeAuthorizationCode:
		set("redirect_uri", cmpOr(p.redirect, s.cfg.RedirectURL))
		set("code_verifier", p.verifier)
	case GrantTypePassword, GrantTypeClientCredentials:
		set("scope", strings.Join(scopes, " "))
	case GrantTypeRefreshToken:
		if p.scopesSet {
			set("scope", strings.Join(scopes, " "))
		}
	}
	for k, vs := range p.params {
		if len(form[k]) == 0 {
			form[k] = slices.Clone(vs)
		}
	}
}

// keepOld keeps the refresh token and scope of the token a refresh
// replaces when the answer omits them (RFC 6749 section 6).
func keepOld(tok, old *Token) {
	if tok.RefreshToken == "" {
		tok.RefreshToken = old.RefreshToken
	}
	if tok.Scope == "" {
		tok.Scope = old.Scope
	}
	if tok.IDToken == "" {
		tok.IDToken, tok.IDTokenClaims = old.IDToken, old.IDTokenClaims
	}
}

// idCheck describes the request behind a token for ID-token validation.
func (s *Session) idCheck(gt string, p *tokenParams) IDTokenCheck {
	c := IDTokenCheck{GrantType: gt, Scopes: s.cfg.Scopes}
	if p.scopesSet {
		c.Scopes = p.scopes
	}
	if p.idCheck != nil {
		c.ResponseType, c.Nonce, c.MaxAge, c.Code = p.idCheck.ResponseType, p.idCheck.Nonce, p.idCheck.MaxAge, p.idCheck.Code
		c.PreviousIDToken = p.idCheck.PreviousIDToken
		if p.idCheck.Scopes != nil {
			c.Scopes = p.idCheck.Scopes
		}
	}
	return c
}
