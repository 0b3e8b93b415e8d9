package oauthkit

import "net/url"

// AuthURLOption is an option of [Session.AuthorizationURL].
type AuthURLOption interface {
	applyAuthURL(*authURLParams)
}

// TokenOption is an option of the calls that request a token:
// [Session.FetchToken], [Session.Exchange],
// [Session.ExchangeAuthorizationResponse] and [Session.Refresh].
type TokenOption interface {
	applyToken(*tokenParams)
}

// BothOption is an option that fits both [Session.AuthorizationURL] and
// the token calls, such as [WithParam] and [WithCodeVerifier].
type BothOption interface {
	AuthURLOption
	TokenOption
}

type authURLParams struct {
	state, verifier, nonce, responseType, redirect string
	pkce                                           PKCEMethod
	scopes                                         []string
	scopesSet                                      bool
	requestObject                                  bool
	params                                         url.Values
	dpopJKT                                        bool // WithDPoPJKT
}

type tokenParams struct {
	verifier, redirect, tokenURL string
	refreshToken                 string
	scopes                       []string
	scopesSet                    bool
	auth                         ClientAuth
	authName                     string
	params                       url.Values
	idCheck                      *IDTokenCheck // set by the authorization response path
}

type authURLFunc func(*authURLParams)

func (f authURLFunc) applyAuthURL(p *authURLParams) { f(p) }

// tokenParamsOf applies opts to zero parameters. Without options it
// allocates nothing: the parameters of an option call live on the heap,
// since an option may keep a pointer to them.
func tokenParamsOf(opts []TokenOption) tokenParams {
	if len(opts) == 0 {
		return tokenParams{}
	}
	p := new(tokenParams)
	for _, o := range opts {
		o.applyToken(p)
	}
	return *p
}

type tokenFunc func(*tokenParams)

func (f tokenFunc) applyToken(p *tokenParams) { f(p) }

type bothFunc struct {
	a func(*authURLParams)
	t func(*tokenParams)
}

func (f bothFunc) applyAuthURL(p *authURLParams) { f.a(p) }
func (f bothFunc) applyToken(p *tokenParams)     { f.t(p) }

// WithParam adds a parameter to the authorization request (nonce, prompt,
// login_hint, audience, resource, ...) or to the token request body. It
// fits both calls. A parameter the session sets itself (client_id,
// response_type, grant_type, ...) is not overridden by it, except scope and
// redirect_uri; use the dedicated options for those.
func WithParam(key, value string) BothOption {
	add := func(v *url.Values) {
		if *v == nil {
			*v = url.Values{}
		}
		v.Add(key, value)
	}
	return bothFunc{
		a: func(p *authURLParams) { add(&p.params) },
		t: func(p *tokenParams) { add(&p.params) },
	}
}

// WithCodeVerifier sets the PKCE code verifier (RFC 7636): on the
// authorization URL its challenge is sent; on the code exchange the verifier
// itself. It must be 43 to 128 unreserved characters. Without it,
// AuthorizationURL generates one.
func WithCodeVerifier(verifier string) BothOption {
	return bothFunc{
		a: func(p *authURLParams) { p.verifier = verifier },
		t: func(p *tokenParams) { p.verifier = verifier },
	}
}

// WithRedirectURL overrides [Config.RedirectURL] for one call.
func WithRedirectURL(u string) BothOption {
	return bothFunc{
		a: func(p *authURLParams) { p.redirect = u },
		t: func(p *tokenParams) { p.redirect = u },
	}
}

// WithScopes overrides [Config.Scopes] for one call.
func WithScopes(scopes ...string) BothOption {
	return bothFunc{
		a: func(p *authURLParams) { p.scopes, p.scopesSet = scopes, true },
		t: func(p *tokenParams) { p.scopes, p.scopesSet = scopes, true },
	}
}

// WithState sets the state instead of a generated one. It should carry at
// least 128 bits of entropy.
func WithState(state string) AuthURLOption {
	return authURLFunc(func(p *authURLParams) { p.state = state })
}

// WithNonce sets the OpenID Connect nonce instead of a generated one.
func WithNonce(nonce string) AuthURLOption {
	return authURLFunc(func(p *authURLParams) { p.nonce = nonce })
}

// WithResponseType sets response_type: "code" (the default), "token" for
// the implicit grant, or a hybrid combination.
func WithResponseType(rt string) AuthURLOption {
	return authURLFunc(func(p *authURLParams) { p.responseType = rt })
}

// WithPKCE overrides [Config.PKCE] for one authorization request.
func WithPKCE(m PKCEMethod) AuthURLOption {
	return authURLFunc(func(p *authURLParams) { p.pkce = m })
}

// WithTokenURL sends one token request to u instead of [Config.TokenURL]
// (Authlib's fetch_token(url, ...)).
func WithTokenURL(u string) TokenOption {
	return tokenFunc(func(p *tokenParams) { p.tokenURL = u })
}

// WithClientAuth authenticates one call with m instead of the session's
// method (Authlib's auth= argument).
func WithClientAuth(m ClientAuth) TokenOption {
	return tokenFunc(func(p *tokenParams) { p.auth = m })
}

// WithAuthMethod authenticates one call with the method of that name
// (built-in or registered) instead of the session's method.
func WithAuthMethod(name string) TokenOption {
	return tokenFunc(func(p *tokenParams) { p.authName = name })
}
