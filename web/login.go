package web

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/dpop"
	"github.com/oauthkit/oauthkit/oidc"
)

// Login logs users of a net/http app in with the providers registered on
// it, and out again. Its handlers ([Login.Start], [Login.Callback],
// [Login.Logout], [Login.LogoutReturn], all served by [Login.Handler])
// and middleware ([Login.RequireLogin]) work with any router built on
// net/http; its [Client]s offer the same steps as calls, for apps that
// write their own handlers.
//
// A Login is safe for concurrent use by multiple goroutines; providers
// may be registered while it serves requests.
type Login struct {
	cfg   Config
	base  string // the BaseURL's path, without a trailing slash
	flows *flows
	csrf  *http.CrossOriginProtection // guards Logout

	mu      sync.RWMutex // guards clients and order
	clients map[string]*Client
	order   []string
}

// NewLogin validates cfg, reporting every problem at once, and returns a
// Login with no provider yet.
func NewLogin(cfg Config) (*Login, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	cfg.LoginPath = orDefault(cfg.LoginPath, defaultLoginPath)
	cfg.CallbackPath = orDefault(cfg.CallbackPath, defaultCallbackPath)
	cfg.LogoutPath = orDefault(cfg.LogoutPath, defaultLogoutPath)
	cfg.LogoutReturnPath = orDefault(cfg.LogoutReturnPath, defaultLogoutReturnPath)
	cfg.FlowTTL = orDefault(cfg.FlowTTL, defaultFlowTTL)
	if cfg.ErrorHandler == nil {
		cfg.ErrorHandler = DefaultErrorHandler
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = http.DefaultClient
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	f := &flows{store: cfg.FlowStore, secure: strings.HasPrefix(cfg.BaseURL, "https://"), ttl: cfg.FlowTTL, now: cfg.Now}
	if cfg.FlowStore == nil {
		s, err := NewSealer("flow", cfg.Keys...)
		if err != nil {
			return nil, err
		}
		f.sealer = s
	}
	cfg.Keys = nil // the sealer has what it needs
	// Browsers say where a POST comes from (Sec-Fetch-Site, Origin); the
	// BaseURL's origin is the app's own even behind a proxy that
	// rewrites Host.
	csrf := http.NewCrossOriginProtection()
	u, _ := url.Parse(cfg.BaseURL) // validate checked it
	_ = csrf.AddTrustedOrigin(u.Scheme + "://" + u.Host)
	return &Login{cfg: cfg, base: u.EscapedPath(), flows: f, csrf: csrf, clients: make(map[string]*Client)}, nil
}

// Register adds the provider p, the counterpart of Authlib's
// oauth.register: for an Issuer, it discovers the provider's metadata
// with ctx (OpenID Connect Discovery), so that its endpoints, keys and
// client authentication are known; otherwise it uses the endpoints p
// gives. It returns the provider's [Client]. A name may be registered
// once.
func (l *Login) Register(ctx context.Context, p Provider) (*Client, error) {
	if !validName(p.Name) {
		return nil, fmt.Errorf("%w: provider name %q: want letters, digits, - and _", ErrInvalidConfig, p.Name)
	}
	c, err := l.newClient(ctx, p)
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ok := l.clients[p.Name]; ok {
		return nil, fmt.Errorf("%w: provider %q registered twice", ErrInvalidConfig, p.Name)
	}
	l.clients[p.Name] = c
	l.order = append(l.order, p.Name)
	return c, nil
}

// newClient builds the client of p, discovering its issuer.
func (l *Login) newClient(ctx context.Context, p Provider) (*Client, error) {
	c := &Client{
		login: l, name: p.Name,
		userInfoURL: p.UserInfoURL, endSessionURL: p.EndSessionURL,
		fetchUserInfo: p.FetchUserInfo || (p.Issuer == "" && p.UserInfoURL != ""),
	}
	if p.ResponseMode != "" && p.ResponseMode != "query" && p.ResponseMode != "form_post" {
		return nil, fmt.Errorf("%w: provider %q: response mode %q: want query or form_post", ErrInvalidConfig, p.Name, p.ResponseMode)
	}
	for _, k := range slices.Sorted(maps.Keys(p.AuthParams)) {
		c.authOpts = append(c.authOpts, oauthkit.WithParam(k, p.AuthParams[k]))
	}
	if p.ResponseMode == "form_post" {
		c.authOpts = append(c.authOpts, oauthkit.WithParam("response_mode", "form_post"))
	}
	cfg := l.sessionConfig(p)
	if err := shareDPoPKey(&cfg); err != nil {
		return nil, fmt.Errorf("web: provider %q: %w", p.Name, err)
	}
	if p.Issuer != "" {
		if err := c.discover(ctx, p, &cfg); err != nil {
			return nil, err
		}
	}
	for _, u := range []string{c.userInfoURL, c.endSessionURL} {
		if u == "" {
			continue
		}
		if err := checkTransport(u, cfg.InsecureAllowHTTP); err != nil {
			return nil, fmt.Errorf("web: provider %q: %w", p.Name, err)
		}
	}
	c.cfg = cfg
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		return nil, fmt.Errorf("web: provider %q: %w", p.Name, err)
	}
	c.authSession = s
	return c, nil
}

// shareDPoPKey gives cfg.DPoP, when it has no key, one generated now: the
// tokens of a login are bound to it, and each session of the provider
// (the callback's, Client.Session's) must make its proofs with it.
func shareDPoPKey(cfg *oauthkit.Config) error {
	if cfg.DPoP == nil || cfg.DPoP.Key != nil {
		return nil
	}
	key, err := dpop.GenerateKey()
	if err != nil {
		return err
	}
	d := *cfg.DPoP
	d.Key = key
	cfg.DPoP = &d
	return nil
}

// sessionConfig is p's session configuration before discovery.
func (l *Login) sessionConfig(p Provider) oauthkit.Config {
	cfg := p.Session
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&cfg.ClientID, p.ClientID)
	set(&cfg.ClientSecret, p.ClientSecret)
	set(&cfg.AuthMethod, p.AuthMethod)
	set(&cfg.AuthURL, p.AuthURL)
	set(&cfg.TokenURL, p.TokenURL)
	set(&cfg.RedirectURL, p.RedirectURL)
	if cfg.RedirectURL == "" {
		cfg.RedirectURL = l.cfg.BaseURL + l.cfg.CallbackPath + "/" + p.Name
	}
	if p.ClientKey != nil {
		cfg.ClientKey = p.ClientKey
	}
	if p.Scopes != nil {
		cfg.Scopes = slices.Clone(p.Scopes)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = l.cfg.HTTPClient
	}
	if cfg.Now == nil {
		cfg.Now = l.cfg.Now
	}
	cfg.InsecureAllowHTTP = cfg.InsecureAllowHTTP || l.cfg.InsecureAllowHTTP
	return cfg
}

// discover completes cfg from the issuer's metadata.
func (c *Client) discover(ctx context.Context, p Provider, cfg *oauthkit.Config) error {
	dc := p.Discovery
	if dc.HTTPClient == nil {
		dc.HTTPClient = cfg.HTTPClient
	}
	if dc.Now == nil {
		dc.Now = cfg.Now
	}
	if dc.ClientID == "" {
		dc.ClientID = cfg.ClientID
	}
	dc.InsecureAllowHTTP = dc.InsecureAllowHTTP || cfg.InsecureAllowHTTP
	op, err := oidc.NewProvider(ctx, p.Issuer, dc)
	if err != nil {
		return fmt.Errorf("web: provider %q: %w", p.Name, err)
	}
	full, err := op.Config(*cfg)
	if err != nil {
		return fmt.Errorf("web: provider %q: %w", p.Name, err)
	}
	*cfg = full
	c.op = op
	m := op.Metadata()
	if c.endSessionURL == "" && m.EndSessionEndpoint != "" {
		c.endSessionURL, c.discoveredEndSession = m.EndSessionEndpoint, true
	}
	if c.userInfoURL == "" {
		c.discoveredUserInfo = m.UserInfoEndpoint != ""
	}
	return nil
}

// Client returns the registered provider called name.
func (l *Login) Client(name string) (*Client, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	c, ok := l.clients[name]
	return c, ok
}

// Providers returns the names of the registered providers, in the order
// of registration, for a page that offers them.
func (l *Login) Providers() []string {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return slices.Clone(l.order)
}

// LoginURL returns the local URL of the login handler of provider, with
// returnTo (a local path, see [SafeReturnTo]) as where to land
// afterwards; "" lands on "/". The URL starts with the BaseURL's path,
// if any; returnTo does not (see [Login.Local]).
func (l *Login) LoginURL(provider, returnTo string) string {
	u := l.base + l.cfg.LoginPath + "/" + url.PathEscape(provider)
	if returnTo != "" {
		u += "?" + url.Values{"next": {SafeReturnTo(returnTo)}}.Encode()
	}
	return u
}

// Local returns the URL of the app's local path p as the browser must be
// sent there: below the BaseURL's path. Local paths, such as return-to
// paths, the LoginPage and the handlers' paths, are the paths the app's
// handlers see: with a BaseURL of "https://example.com/app", the app is
// served below /app (through [http.StripPrefix], or a proxy that strips
// it), and Local("/profile") is "/app/profile".
func (l *Login) Local(p string) string { return l.base + p }

// Handler returns a handler serving the login handlers at the configured
// paths: GET LoginPath/{provider}, GET and POST CallbackPath/{provider},
// POST LogoutPath and GET LogoutReturnPath. Mount it at "/" of a mux, or
// add the handlers to your own router one by one.
func (l *Login) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+l.cfg.LoginPath+"/{provider}", l.Start)
	mux.HandleFunc("GET "+l.cfg.CallbackPath+"/{provider}", l.Callback)
	mux.HandleFunc("POST "+l.cfg.CallbackPath+"/{provider}", l.Callback)
	mux.HandleFunc("POST "+l.cfg.LogoutPath, l.Logout)
	mux.HandleFunc("GET "+l.cfg.LogoutReturnPath, l.LogoutReturn)
	return mux
}

// fail hands err, wrapped in an [*Error], to the ErrorHandler.
func (l *Login) fail(w http.ResponseWriter, r *http.Request, step, provider string, err error) {
	l.cfg.ErrorHandler(w, r, &Error{Step: step, Provider: provider, Err: err})
}
