package oauthkit

import (
	"crypto/rand"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
)

// AuthorizationRequest is what [Session.AuthorizationURL] produced. Send the
// user to URL and save the rest (it encodes to JSON) until the redirect
// comes back; then hand it to [Session.ExchangeAuthorizationResponse],
// possibly on a new Session. CodeVerifier and Nonce are secrets: keep them
// server-side or in a sealed cookie.
type AuthorizationRequest struct {
	// URL is the authorization URL to send the user to.
	URL string `json:"url,omitempty"`
	// State is the state parameter, to be compared with the response's.
	State string `json:"state"`
	// CodeVerifier is the PKCE verifier; empty when PKCE is disabled.
	CodeVerifier string `json:"code_verifier,omitempty"`
	// Nonce is the OpenID Connect nonce, if one was sent.
	Nonce string `json:"nonce,omitempty"`
	// RedirectURL is the redirect_uri sent, repeated in the code exchange.
	RedirectURL string `json:"redirect_url,omitempty"`
	// ResponseType is the response_type sent; empty means "code".
	ResponseType string `json:"response_type,omitempty"`
	// MaxAge is the max_age parameter sent, if any (OpenID Connect).
	MaxAge string `json:"max_age,omitempty"`
	// ResponseMode is the response_mode sent, if any. A JWT mode ("jwt",
	// "query.jwt", "fragment.jwt", "form_post.jwt") makes
	// [Session.ExchangeAuthorizationResponse] accept only a verified
	// response JWT (JARM).
	ResponseMode string `json:"response_mode,omitempty"`
	// RequestURI is the request_uri of a pushed request (RFC 9126), the
	// only request parameter URL carries besides client_id.
	RequestURI string `json:"request_uri,omitempty"`
	// ExpiresAt is when RequestURI expires; the user must reach URL
	// before then. Zero when the request was not pushed.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
}

// String describes the request without the verifier and nonce.
func (a AuthorizationRequest) String() string {
	return fmt.Sprintf("oauthkit.AuthorizationRequest{URL:%q State:%q CodeVerifier:%s Nonce:%s}", a.URL, a.State, redact(a.CodeVerifier), redact(a.Nonce))
}

// GenerateState returns a new state value with 128 bits or more from
// crypto/rand.
func GenerateState() string { return rand.Text() }

// AuthorizationURL builds the authorization request (RFC 6749 sections
// 4.1.1 and 4.2.1): response_type (code unless [WithResponseType]),
// client_id, redirect_uri, scope, a generated state, and, for the code
// grant, a PKCE S256 challenge of a generated verifier. When scope includes
// "openid", a nonce is generated too. Query parameters already in
// [Config.AuthURL] are kept. With [Config.RequestObject] or
// [WithRequestObject] the parameters travel in a signed request object
// (RFC 9101). It does no I/O, so it refuses to build a URL when
// [Config.RequirePushedAuth] says the server only takes pushed requests:
// use [Session.AuthorizationURLContext] or
// [Session.PushAuthorizationRequest] then.
func (s *Session) AuthorizationURL(opts ...AuthURLOption) (*AuthorizationRequest, error) {
	if s.cfg.RequirePushedAuth {
		return nil, fmt.Errorf("oauthkit: authorization url: %w", ErrPushedAuthRequired)
	}
	a, err := s.newAuthorization(opts)
	if err != nil {
		return nil, err
	}
	if !a.requestObject {
		a.u.RawQuery = a.params.Encode()
		a.ar.URL = a.u.String()
		return a.ar, nil
	}
	obj, err := s.requestObject(a.params)
	if err != nil {
		return nil, err
	}
	q := frontChannelParams(a.u.Query(), a.params)
	q.Set("request", obj)
	a.u.RawQuery = q.Encode()
	a.ar.URL = a.u.String()
	return a.ar, nil
}

// authorization is an authorization request before it is encoded.
type authorization struct {
	u             *url.URL   // Config.AuthURL, parsed
	params        url.Values // every request parameter, AuthURL's query included
	ar            *AuthorizationRequest
	requestObject bool // send params in a signed request object
}

// newAuthorization draws state, verifier and nonce and collects every
// parameter of the request.
func (s *Session) newAuthorization(opts []AuthURLOption) (*authorization, error) {
	if s.cfg.AuthURL == "" {
		return nil, fmt.Errorf("oauthkit: authorization url: %w", ErrNoEndpoint)
	}
	p := authURLParams{responseType: "code", pkce: s.cfg.PKCE, redirect: s.cfg.RedirectURL, scopes: s.cfg.Scopes,
		requestObject: s.cfg.RequestObject != nil}
	for _, o := range opts {
		o.applyAuthURL(&p)
	}
	if p.state == "" {
		p.state = GenerateState()
	}
	u, err := url.Parse(s.cfg.AuthURL)
	if err != nil {
		return nil, fmt.Errorf("oauthkit: authorization url: %w", err)
	}
	q := u.Query()
	for k, vs := range p.params {
		q[k] = slices.Clone(vs)
	}
	ar := &AuthorizationRequest{State: p.state, RedirectURL: p.redirect, ResponseType: p.responseType,
		MaxAge: q.Get("max_age"), ResponseMode: q.Get("response_mode")}
	q.Set("response_type", p.responseType)
	q.Set("client_id", s.cfg.ClientID)
	q.Set("state", p.state)
	if p.redirect != "" {
		q.Set("redirect_uri", p.redirect)
	}
	if len(p.scopes) > 0 {
		q.Set("scope", strings.Join(p.scopes, " "))
	}
	if err := p.addPKCE(q, ar); err != nil {
		return nil, err
	}
	if err := s.addDPoPJKT(q, &p); err != nil {
		return nil, err
	}
	ar.Nonce = q.Get("nonce")
	if p.nonce != "" || (ar.Nonce == "" && needsNonce(p.scopes, p.responseType)) {
		ar.Nonce = p.nonce
		if ar.Nonce == "" {
			ar.Nonce = rand.Text()
		}
		q.Set("nonce", ar.Nonce)
	}
	return &authorization{u: u, params: q, ar: ar, requestObject: p.requestObject}, nil
}

// addPKCE adds the code challenge for response types that return a code.
func (p *authURLParams) addPKCE(q url.Values, ar *AuthorizationRequest) error {
	if !hasWord(p.responseType, "code") || p.pkce == PKCEDisabled {
		return nil
	}
	if p.verifier == "" {
		p.verifier = GenerateCodeVerifier()
	}
	if err := checkCodeVerifier(p.verifier); err != nil {
		return err
	}
	ar.CodeVerifier = p.verifier
	switch p.pkce {
	case PKCEPlain:
		q.Set("code_challenge", p.verifier)
		q.Set("code_challenge_method", string(PKCEPlain))
	default:
		q.Set("code_challenge", CodeChallengeS256(p.verifier))
		q.Set("code_challenge_method", string(PKCES256))
	}
	return nil
}

// needsNonce: OpenID Connect requests get a nonce (required for the
// implicit and hybrid flows, OIDC Core 3.2.2.1; good practice for code).
func needsNonce(scopes []string, responseType string) bool {
	return slices.Contains(scopes, "openid") || hasWord(responseType, "id_token")
}

// hasWord reports whether the space-separated list s contains w.
func hasWord(s, w string) bool {
	return slices.Contains(strings.Fields(s), w)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
