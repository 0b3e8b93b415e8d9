package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/dpop"
	"github.com/oauthkit/oauthkit/internal/redact"
	"github.com/oauthkit/oauthkit/internal/secure"
	"github.com/oauthkit/oauthkit/internal/wire"
	"github.com/oauthkit/oauthkit/oidc"
)

// Client is one registered provider of a [Login]: the two calls of a web
// login ([Client.AuthorizeRedirect], [Client.Exchange]), userinfo, the
// provider's logout, and sessions for API calls with the user's token.
// A Client is safe for concurrent use by multiple goroutines.
type Client struct {
	login                *Login
	name                 string
	cfg                  oauthkit.Config
	authSession          *oauthkit.Session // builds authorization URLs; holds no token
	authOpts             []oauthkit.AuthURLOption
	op                   *oidc.Provider // nil for plain OAuth 2.0
	userInfoURL          string         // explicit
	discoveredUserInfo   bool           // op has a userinfo endpoint and none was given
	fetchUserInfo        bool
	endSessionURL        string
	discoveredEndSession bool // endSessionURL came from op's metadata
}

// Result is what a completed login gives the app.
type Result struct {
	// Provider is the name of the provider the user logged in with.
	Provider string
	// Token is the token response: access token, refresh token if any,
	// and the raw ID token (keep it as the id_token_hint of the logout).
	Token *oauthkit.Token
	// IDToken holds the verified claims of the ID token: signature,
	// issuer, audience, expiry and nonce were checked. Nil when the
	// provider sent none (plain OAuth 2.0).
	IDToken *oidc.IDToken
	// UserInfo holds the userinfo claims, when they were fetched
	// ([Provider.FetchUserInfo]); for an OpenID Connect provider their sub
	// was checked against the ID token's. Nil otherwise.
	UserInfo map[string]any
	// ReturnTo is the local path the user asked for before logging in;
	// "/" when none was given.
	ReturnTo string
}

// Name returns the provider's name.
func (c *Client) Name() string { return c.name }

// Config returns a copy of the provider's session configuration, complete
// with the discovered endpoints and the redirect URI.
func (c *Client) Config() oauthkit.Config { return c.authSession.Config() }

// AuthorizeRedirect starts a login, the counterpart of Authlib's
// authorize_redirect: it builds the authorization request (state, PKCE
// S256, a nonce for OpenID Connect, the provider's AuthParams and opts),
// keeps what the callback needs in a flow cookie (or the FlowStore)
// together with returnTo (a local path, see [SafeReturnTo]), and
// redirects the browser to the provider. When the provider (or the
// client's registration, [oauthkit.Config.RequirePushedAuth]) takes only
// pushed authorization requests (RFC 9126), the request is pushed first,
// with r's context, and the browser carries only its request_uri.
func (c *Client) AuthorizeRedirect(w http.ResponseWriter, r *http.Request, returnTo string, opts ...oauthkit.AuthURLOption) error {
	ar, err := c.authSession.AuthorizationURLContext(r.Context(), slices.Concat(c.authOpts, opts)...)
	if err != nil {
		return err
	}
	target := ar.URL
	fl := &flow{Kind: kindLogin, Provider: c.name, ReturnTo: SafeReturnTo(returnTo), Request: *ar}
	fl.Request.URL = ""
	if err := c.login.flows.save(r.Context(), w, r, fl); err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, target, http.StatusFound)
	return nil
}

// Exchange completes a login at the callback, the counterpart of
// Authlib's authorize_access_token: it finds the flow of the response's
// state in this browser (and accepts it once only), checks the response
// (state, iss, error=), exchanges the code with the PKCE verifier,
// verifies the ID token with the nonce, and fetches userinfo when asked.
// r is the callback request, GET (query) or POST (form_post). The flow
// cookie is deleted through w whatever the outcome.
//
// Errors: see the package's sentinels; [*oauthkit.Error] for an error=
// answer.
func (c *Client) Exchange(w http.ResponseWriter, r *http.Request) (*Result, error) {
	params, err := oauthkit.ParseCallbackRequest(r)
	if err != nil {
		return nil, err
	}
	if r.Method == http.MethodPost {
		r.PostForm = params // the body is read; the exchange reads this
	}
	fl, err := c.login.flows.take(r.Context(), w, r, params.Get("state"), kindLogin)
	if err != nil {
		return nil, err
	}
	if fl.Provider != c.name {
		return nil, fmt.Errorf("%w: the login was started with provider %q", oauthkit.ErrStateMismatch, fl.Provider)
	}
	s, err := oauthkit.NewSession(c.cfg)
	if err != nil {
		return nil, err
	}
	ctx := r.Context()
	tok, err := s.ExchangeCallback(ctx, r, fl.Request)
	if err != nil {
		return nil, markIDTokenError(err)
	}
	res := &Result{Provider: c.name, Token: tok, ReturnTo: SafeReturnTo(fl.ReturnTo)}
	if tok.IDToken != "" && c.op != nil {
		// The session's validator verified the token, with the nonce.
		if res.IDToken, err = oidc.VerifiedIDToken(tok); err != nil {
			return nil, markIDTokenError(err)
		}
	}
	if c.fetchUserInfo {
		sub := ""
		if res.IDToken != nil {
			sub = res.IDToken.Subject
		}
		var bound *oauthkit.Session // the exchange's session sends a DPoP-bound token with its proof
		if isDPoP(tok) {
			bound = s
		}
		if res.UserInfo, err = c.userInfo(ctx, bound, tok, sub); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// UserInfo fetches the claims about the user that tok's access token is
// for, the counterpart of Authlib's userinfo(): from the provider's
// userinfo endpoint, where an OpenID Connect provider's answer must have
// subject as its sub (pass the ID token's; "" skips the comparison, for
// providers without ID tokens). A DPoP-bound token goes with a proof of
// the provider's DPoP key (RFC 9449), never as a bearer token. It does
// not refresh tok; use [Client.Session] for that.
func (c *Client) UserInfo(ctx context.Context, tok *oauthkit.Token, subject string) (map[string]any, error) {
	if tok == nil || tok.AccessToken == "" {
		return nil, fmt.Errorf("web: userinfo: %w", oauthkit.ErrNoToken)
	}
	var bound *oauthkit.Session
	if isDPoP(tok) {
		var err error
		if bound, err = c.proofSession(tok); err != nil {
			return nil, err
		}
	}
	return c.userInfo(ctx, bound, tok, subject)
}

// userInfo is UserInfo; bound, when not nil, is a session holding tok
// that sends the request, for a DPoP-bound tok.
func (c *Client) userInfo(ctx context.Context, bound *oauthkit.Session, tok *oauthkit.Token, subject string) (map[string]any, error) {
	if c.userInfoURL == "" && c.discoveredUserInfo {
		var info *oidc.UserInfo
		var err error
		if bound != nil {
			info, err = c.op.SessionUserInfo(ctx, bound, subject)
		} else {
			info, err = c.op.UserInfo(ctx, tok, subject)
		}
		if err != nil {
			return nil, err
		}
		var m map[string]any
		if err := info.Claims(&m); err != nil {
			return nil, fmt.Errorf("web: userinfo: %w", err)
		}
		return m, nil
	}
	if c.userInfoURL == "" {
		return nil, fmt.Errorf("web: userinfo: provider %q: %w", c.name, oauthkit.ErrNoEndpoint)
	}
	hc, bearer := c.cfg.HTTPClient, tok.AccessToken
	if bound != nil {
		hc, bearer = bound.HTTPClient(), ""
	}
	m, err := c.getJSON(ctx, hc, bearer)
	if err != nil {
		return nil, err
	}
	if sub, _ := m["sub"].(string); subject != "" && sub != subject {
		return nil, fmt.Errorf("web: userinfo: %w: got %q, want %q", oidc.ErrSubjectMismatch, sub, subject)
	}
	return m, nil
}

// getJSON GETs the userinfo URL with hc, with bearer as a bearer token
// unless it is empty (hc then authorizes the request), and decodes a JSON
// object, at most 1 MiB. As in [oidc.Provider.UserInfo], a redirect is
// followed only within the endpoint's origin and never down to plain
// http ([oauthkit.ErrRedirect] otherwise), and the session's
// EndpointTimeout bounds a call whose ctx has no deadline.
func (c *Client) getJSON(ctx context.Context, hc *http.Client, bearer string) (map[string]any, error) {
	ctx, cancel := wire.WithDefaultTimeout(ctx, c.cfg.EndpointTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.userInfoURL, nil)
	if err != nil {
		return nil, fmt.Errorf("web: userinfo: %w", err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	req.Header.Set("Accept", "application/json")
	policy := secure.RedirectPolicy{AllowHTTP: c.cfg.InsecureAllowHTTP, SameOrigin: true, Sentinel: oauthkit.ErrRedirect}
	resp, err := policy.Follow(hc).Do(req)
	if err != nil {
		return nil, fmt.Errorf("web: userinfo: %w", redact.URLError(err))
	}
	defer resp.Body.Close()
	body, err := wire.ReadBody(resp.Body, wire.MaxBody)
	ct := resp.Header.Get("Content-Type")
	fail := func(cause error) error {
		return &oauthkit.ResponseError{Endpoint: "userinfo", URL: c.userInfoURL, StatusCode: resp.StatusCode,
			ContentType: ct, Body: body[:min(len(body), 1<<10)], Err: cause}
	}
	if err != nil {
		return nil, fail(err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fail(nil)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil || m == nil {
		return nil, fail(errors.New("not a JSON object"))
	}
	return m, nil
}

// Session returns a session holding tok, for calls to the provider's API
// that refresh the token when it is due. onUpdate, if not nil, replaces
// the provider's OnTokenUpdate: it receives each new token, to be saved
// where the app keeps tok (its session cookie, a database). With
// Provider.Session.DPoP, the sessions of a Client share its DPoP key, the
// one the login's tokens are bound to.
func (c *Client) Session(tok *oauthkit.Token, onUpdate func(context.Context, oauthkit.TokenUpdate) error) (*oauthkit.Session, error) {
	cfg := c.cfg
	if onUpdate != nil {
		cfg.OnTokenUpdate = onUpdate
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		return nil, err
	}
	s.SetToken(tok)
	return s, nil
}

// isDPoP reports whether tok is DPoP-bound (RFC 9449 section 5).
func isDPoP(tok *oauthkit.Token) bool { return strings.EqualFold(tok.TokenType, dpop.Scheme) }

// proofSession returns a session that sends tok, a DPoP-bound token, with
// proofs of the provider's key, and never renews it: it has no refresh
// token, no expiry, no grant and no store.
func (c *Client) proofSession(tok *oauthkit.Token) (*oauthkit.Session, error) {
	cfg := c.cfg
	cfg.Grant, cfg.Store, cfg.OnTokenUpdate = nil, nil, nil
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		return nil, fmt.Errorf("web: userinfo: %w", err)
	}
	t := tok.Clone()
	t.RefreshToken, t.ExpiresAt, t.ExpiresIn = "", time.Time{}, 0
	s.SetToken(t)
	return s, nil
}
