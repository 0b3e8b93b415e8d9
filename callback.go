package oauthkit

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/url"
)

// ParseAuthorizationResponse returns the parameters of an authorization
// response URL: the query, or the fragment when the query carries none of
// code, error, state and access_token (response_mode=fragment and the
// implicit grant).
func ParseAuthorizationResponse(callbackURL string) (url.Values, error) {
	u, err := url.Parse(callbackURL)
	if err != nil {
		return nil, fmt.Errorf("oauthkit: parsing authorization response: %w", err)
	}
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
	for _, k := range []string{"code", "error", "state", "access_token"} {
		if v.Has(k) {
			return true
		}
	}
	return false
}

// ExchangeAuthorizationResponse completes the authorization: it parses the
// redirect the server sent to the callback (query or fragment), checks
// state against ar.State in constant time, checks iss (RFC 9207), turns an
// error= response into *Error, and exchanges the code with ar's PKCE
// verifier and redirect URL. ar may come from this session's
// AuthorizationURL or be restored from storage into a new session.
//
// For the implicit grant (ar.ResponseType "token") the token is read from
// the response itself and the token endpoint is not called.
//
// No token request is sent when a check fails.
func (s *Session) ExchangeAuthorizationResponse(ctx context.Context, callbackURL string, ar AuthorizationRequest, opts ...TokenOption) (*Token, error) {
	params, err := s.checkAuthorizationResponse(callbackURL, ar)
	if err != nil {
		return nil, err
	}
	check := &IDTokenCheck{ResponseType: cmpOr(ar.ResponseType, "code"), Nonce: ar.Nonce, MaxAge: ar.MaxAge, Code: params.Get("code")}
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
func (s *Session) checkAuthorizationResponse(callbackURL string, ar AuthorizationRequest) (url.Values, error) {
	u, err := url.Parse(callbackURL)
	if err != nil {
		return nil, fmt.Errorf("oauthkit: parsing authorization response: %w", err)
	}
	if err := checkURLTransport(u, s.cfg.InsecureAllowHTTP); err != nil {
		return nil, fmt.Errorf("oauthkit: authorization response: %w", err)
	}
	params, err := ParseAuthorizationResponse(callbackURL)
	if err != nil {
		return nil, err
	}
	if err := checkState(params.Get("state"), ar.State); err != nil {
		return nil, err
	}
	if err := s.checkIssuer(params); err != nil {
		return nil, err
	}
	if code := params.Get("error"); code != "" {
		return nil, &Error{Endpoint: endpointAuthorization, Code: code,
			Description: params.Get("error_description"), URI: params.Get("error_uri")}
	}
	return params, nil
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
// code in a hybrid response (OIDC Core 3.3.2.12) before the code is used.
func (s *Session) validateFrontChannelIDToken(ctx context.Context, params url.Values, check *IDTokenCheck) error {
	idt := params.Get("id_token")
	if idt == "" || s.cfg.IDTokenValidator == nil {
		return nil
	}
	c := *check
	c.GrantType, c.Scopes = "implicit", s.cfg.Scopes
	if err := s.cfg.IDTokenValidator.ValidateIDToken(ctx, &Token{IDToken: idt, AccessToken: params.Get("access_token")}, c); err != nil {
		return fmt.Errorf("oauthkit: authorization response id token: %w", err)
	}
	return nil
}

// idCheckOption carries the authorization request's facts to the exchange.
type idCheckOption struct{ c *IDTokenCheck }

func (o idCheckOption) applyToken(p *tokenParams) { p.idCheck = o.c }
