package oauthkit

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	scrub "github.com/oauthkit/oauthkit/internal/redact"
	"github.com/oauthkit/oauthkit/internal/secure"
	"github.com/oauthkit/oauthkit/internal/wire"
)

// ParseAuthorizationResponse returns the parameters of an authorization
// response: the query, or the fragment when the query carries none of
// code, error, state, access_token and response (response_mode=fragment,
// fragment.jwt and the implicit grant). callbackURL is the absolute URL the server redirected
// to, a relative one such as a handler's r.URL.String() ("/cb?code=..."),
// or the query alone ("code=...&state=..." or "?code=..."); a native
// app's private-use scheme (com.example.app:/cb?code=...) is accepted
// too. Inside a net/http handler, prefer [ParseCallbackRequest].
func ParseAuthorizationResponse(callbackURL string) (url.Values, error) {
	u, err := parseCallbackURL(callbackURL)
	if err != nil {
		return nil, err
	}
	return responseParams(u)
}

// parseCallbackURL parses an absolute or relative callback URL, or a bare
// query, and says what is wrong with one that is unusable.
func parseCallbackURL(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, errors.New("oauthkit: authorization response: empty url")
	}
	if looksLikeBareQuery(raw) {
		raw = "?" + raw
	}
	u, err := url.Parse(raw)
	shown := scrub.String(raw) // the code is a credential
	if err != nil {
		return nil, fmt.Errorf("oauthkit: authorization response url %q: %w", shown, scrub.URLError(err))
	}
	switch {
	case u.Scheme == "" && u.Host == "":
		return u, nil // relative: the handler's r.URL, or a bare query
	case u.Scheme == "":
		return nil, fmt.Errorf("oauthkit: authorization response url %q: host %q without a scheme", shown, u.Host)
	case secure.IsPrivateUseScheme(u.Scheme):
		return u, nil // a native app's redirect (RFC 8252 section 7.1)
	case !strings.EqualFold(u.Scheme, "https") && !strings.EqualFold(u.Scheme, "http"):
		return nil, fmt.Errorf("oauthkit: authorization response url %q: scheme %q, want https, http, a private-use scheme or a relative url", shown, u.Scheme)
	case u.Host == "":
		return nil, fmt.Errorf("oauthkit: authorization response url %q: %s scheme without a host", shown, u.Scheme)
	}
	return u, nil
}

// looksLikeBareQuery reports whether raw is a query without its "?",
// "code=...&state=...": its first key holds none of the characters that
// start or end a URL's scheme, path or query.
func looksLikeBareQuery(raw string) bool {
	key, _, ok := strings.Cut(raw, "=")
	return ok && key != "" && !strings.ContainsAny(key, "/?#:&")
}

// responseParams picks the query or the fragment of u.
func responseParams(u *url.URL) (url.Values, error) {
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, fmt.Errorf("oauthkit: parsing authorization response query: %w", err)
	}
	if hasResponseParam(q) || u.Fragment == "" {
		return q, nil
	}
	f, err := url.ParseQuery(u.EscapedFragment())
	if err != nil {
		return nil, fmt.Errorf("oauthkit: parsing authorization response fragment: %w", err)
	}
	return f, nil
}

func hasResponseParam(v url.Values) bool {
	for _, k := range []string{"code", "error", "state", "access_token", jarmResponse} {
		if v.Has(k) {
			return true
		}
	}
	return false
}

// ParseCallbackRequest returns the parameters of an authorization response
// as the redirect URL's net/http handler receives it: the query of a GET
// (response_mode=query, the default for the code grant), or the form body
// of a POST (response_mode=form_post, OAuth 2.0 Form Post Response Mode).
// A POST body is read, at most 1 MiB; when the handler has already parsed
// it (r.ParseForm), r.PostForm is used. A fragment never reaches a server:
// for response_mode=fragment, hand the URL the browser saw to
// [ParseAuthorizationResponse].
func ParseCallbackRequest(r *http.Request) (url.Values, error) {
	if r == nil || r.URL == nil {
		return nil, errors.New("oauthkit: authorization response: no request")
	}
	switch r.Method {
	case "", http.MethodGet, http.MethodHead:
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			return nil, fmt.Errorf("oauthkit: parsing authorization response query: %w", err)
		}
		return q, nil
	case http.MethodPost:
		return formPostParams(r)
	}
	return nil, fmt.Errorf("oauthkit: authorization response: method %s, want GET (query) or POST (form_post)", r.Method)
}

// formPostParams reads the parameters of a form_post response.
func formPostParams(r *http.Request) (url.Values, error) {
	if r.PostForm != nil {
		return r.PostForm, nil
	}
	if ct := wire.MediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		return nil, fmt.Errorf("oauthkit: authorization response: POST body of type %q, want application/x-www-form-urlencoded (response_mode=form_post)", r.Header.Get("Content-Type"))
	}
	if r.Body == nil {
		return url.Values{}, nil
	}
	b, err := wire.ReadBody(r.Body, wire.MaxBody)
	if err != nil {
		return nil, fmt.Errorf("oauthkit: reading authorization response body: %w", err)
	}
	v, err := url.ParseQuery(string(b))
	if err != nil {
		return nil, fmt.Errorf("oauthkit: parsing authorization response body: %w", err)
	}
	return v, nil
}

// ExchangeAuthorizationResponse completes the authorization: it parses the
// redirect the server sent to the callback (query or fragment), checks
// state against ar.State in constant time, checks iss (RFC 9207), turns an
// error= response into *Error, and exchanges the code with ar's PKCE
// verifier and redirect URL. ar may come from this session's
// AuthorizationURL or be restored from storage into a new session.
//
// callbackURL is any form [ParseAuthorizationResponse] accepts. An
// absolute URL must be https, or http to loopback, unless
// [Config.InsecureAllowHTTP]; for a relative URL or a bare query the same
// rule applies to ar.RedirectURL. A native app's private-use scheme
// (com.example.app:/oauth2redirect?code=..., RFC 8252 section 7.1) is
// accepted when it is the scheme of ar.RedirectURL. Inside a net/http
// handler, use [Session.ExchangeCallback] with the request itself.
//
// For the implicit grant (ar.ResponseType "token") the token is read from
// the response itself and the token endpoint is not called.
//
// No token request is sent when a check fails.
func (s *Session) ExchangeAuthorizationResponse(ctx context.Context, callbackURL string, ar AuthorizationRequest, opts ...TokenOption) (*Token, error) {
	params, err := s.callbackParams(callbackURL, ar)
	if err != nil {
		return nil, err
	}
	return s.exchangeParams(ctx, params, ar, opts)
}

// callbackParams parses a callback URL after checking its transport.
func (s *Session) callbackParams(callbackURL string, ar AuthorizationRequest) (url.Values, error) {
	u, err := parseCallbackURL(callbackURL)
	if err != nil {
		return nil, err
	}
	if secure.IsPrivateUseScheme(u.Scheme) {
		// Delivered by the operating system on the device, not over a
		// network: the scheme must be the one the request named.
		if r, err := url.Parse(ar.RedirectURL); err != nil || !strings.EqualFold(r.Scheme, u.Scheme) {
			return nil, fmt.Errorf("oauthkit: authorization response url: scheme %q is not the one of the redirect url %q", u.Scheme, redactedURL(ar.RedirectURL))
		}
	} else if u.IsAbs() {
		if err := checkURLTransport(u, s.cfg.InsecureAllowHTTP); err != nil {
			return nil, fmt.Errorf("oauthkit: authorization response: %w", err)
		}
	} else if err := s.checkRedirectTransport(ar); err != nil {
		return nil, err
	}
	return responseParams(u)
}

// ExchangeCallback is [Session.ExchangeAuthorizationResponse] for the
// redirect URL's net/http handler: it takes the request itself, reading
// the query of a GET (response_mode=query) or the form body of a POST
// (response_mode=form_post), as [ParseCallbackRequest] does. ar.RedirectURL,
// when set, must be https, or http to loopback, unless
// [Config.InsecureAllowHTTP]; the request's own scheme is not checked, as
// it is plain http behind a TLS-terminating proxy. Use r.Context() as ctx.
//
// No token request is sent when a check fails.
func (s *Session) ExchangeCallback(ctx context.Context, r *http.Request, ar AuthorizationRequest, opts ...TokenOption) (*Token, error) {
	if err := s.checkRedirectTransport(ar); err != nil {
		return nil, err
	}
	params, err := ParseCallbackRequest(r)
	if err != nil {
		return nil, err
	}
	return s.exchangeParams(ctx, params, ar, opts)
}

// checkRedirectTransport applies the transport rule to the redirect URL a
// response arrived at, when it is known.
func (s *Session) checkRedirectTransport(ar AuthorizationRequest) error {
	if ar.RedirectURL == "" {
		return nil
	}
	u, err := url.Parse(ar.RedirectURL)
	if err != nil {
		return fmt.Errorf("oauthkit: authorization response: redirect url %q: %v", scrub.String(ar.RedirectURL), scrub.String(err.Error()))
	}
	if secure.IsPrivateUseScheme(u.Scheme) {
		return nil // a native app's redirect, which never crosses a network
	}
	if err := checkURLTransport(u, s.cfg.InsecureAllowHTTP); err != nil {
		return fmt.Errorf("oauthkit: authorization response: redirect url: %w", err)
	}
	return nil
}

// exchangeParams checks the response parameters and completes the grant.
func (s *Session) exchangeParams(ctx context.Context, params url.Values, ar AuthorizationRequest, opts []TokenOption) (*Token, error) {
	params, err := s.openJARM(ctx, params, ar)
	if err != nil {
		return nil, err
	}
	if err := s.checkAuthorizationResponse(params, ar); err != nil {
		return nil, err
	}
	check := &IDTokenCheck{ResponseType: cmpOr(ar.ResponseType, "code"), Nonce: ar.Nonce, MaxAge: ar.MaxAge, Code: params.Get("code")}
	// OpenID Connect Core 3.2.2.5 and 3.3.2.5: the ID token is part of
	// the response.
	if hasWord(ar.ResponseType, "id_token") && params.Get("id_token") == "" {
		return nil, fmt.Errorf("%w: response_type %q asks for one in the authorization response", ErrMissingIDToken, ar.ResponseType)
	}
	if hasWord(ar.ResponseType, "token") && !hasWord(ar.ResponseType, "code") {
		return s.implicitToken(ctx, params, check)
	}
	code := params.Get("code")
	if code == "" {
		return nil, ErrMissingCode
	}
	if err := s.validateFrontChannelIDToken(ctx, params, check); err != nil {
		return nil, err
	}
	opts = append([]TokenOption{WithRedirectURL(ar.RedirectURL), idCheckOption{check}}, opts...)
	if ar.CodeVerifier != "" {
		opts = append([]TokenOption{WithCodeVerifier(ar.CodeVerifier)}, opts...)
	}
	return s.Exchange(ctx, code, opts...)
}

// checkAuthorizationResponse runs every check that precedes the exchange.
func (s *Session) checkAuthorizationResponse(params url.Values, ar AuthorizationRequest) error {
	if err := checkState(params.Get("state"), ar.State); err != nil {
		return err
	}
	if err := s.checkIssuer(params); err != nil {
		return err
	}
	if code := params.Get("error"); code != "" {
		return &Error{Endpoint: endpointAuthorization, Code: code,
			Description: params.Get("error_description"), URI: params.Get("error_uri")}
	}
	return nil
}

// checkState compares states in constant time; an empty saved state never
// matches.
func checkState(got, want string) error {
	if want == "" {
		return fmt.Errorf("%w: no state was saved for this authorization", ErrStateMismatch)
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return fmt.Errorf("%w: got %q", ErrStateMismatch, got)
	}
	return nil
}

// checkIssuer applies RFC 9207 section 2.4.
func (s *Session) checkIssuer(params url.Values) error {
	iss, ok := params["iss"]
	switch {
	case !ok && s.cfg.RequireIssuerParameter:
		return fmt.Errorf("%w: response has no iss, want %q", ErrAuthorizationIssuerMismatch, s.cfg.Issuer)
	case ok && s.cfg.Issuer != "" && (len(iss) != 1 || iss[0] != s.cfg.Issuer):
		return fmt.Errorf("%w: got %q, want %q", ErrAuthorizationIssuerMismatch, iss, s.cfg.Issuer)
	}
	return nil
}

// implicitToken builds the token of an implicit grant response (RFC 6749
// section 4.2.2) and makes it the session's token.
func (s *Session) implicitToken(ctx context.Context, params url.Values, check *IDTokenCheck) (*Token, error) {
	if params.Get("access_token") == "" {
		return nil, ErrMissingAccessToken
	}
	m := make(map[string]any, len(params))
	for k := range params {
		m[k] = params.Get(k)
	}
	delete(m, "state")
	delete(m, "iss")
	tok, err := tokenFromMap(m)
	if err != nil {
		return nil, fmt.Errorf("oauthkit: authorization response: %w: %w", ErrInvalidTokenResponse, err)
	}
	if err := checkToken(tok); err != nil {
		return nil, fmt.Errorf("oauthkit: authorization response: %w", err)
	}
	setExpiry(tok, s.now())
	c := *check
	c.GrantType, c.Scopes = "implicit", s.cfg.Scopes
	if err := s.validateIDToken(ctx, tok, c); err != nil {
		return nil, err
	}
	s.store(tok)
	return tok.Clone(), nil
}

// validateFrontChannelIDToken validates an ID token that came with the
// code in a hybrid response (OIDC Core 3.3.2.12) before the code is used;
// the token endpoint's ID token must then agree with it (3.3.3.6).
func (s *Session) validateFrontChannelIDToken(ctx context.Context, params url.Values, check *IDTokenCheck) error {
	idt := params.Get("id_token")
	if idt == "" || s.cfg.IDTokenValidator == nil {
		return nil
	}
	c := *check
	c.GrantType, c.Scopes = "implicit", s.cfg.Scopes
	if _, err := s.cfg.IDTokenValidator.ValidateIDToken(ctx, &Token{IDToken: idt, AccessToken: params.Get("access_token")}, c); err != nil {
		return fmt.Errorf("oauthkit: authorization response id token: %w", err)
	}
	check.PreviousIDToken = idt
	return nil
}

// idCheckOption carries the authorization request's facts to the exchange.
type idCheckOption struct{ c *IDTokenCheck }

func (o idCheckOption) applyToken(p *tokenParams) { p.idCheck = o.c }
