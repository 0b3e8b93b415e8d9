package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/internal/secure"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oidc"
)

// Default paths and lifetimes, used when the [Config] field is zero.
const (
	defaultLoginPath        = "/login"
	defaultCallbackPath     = "/callback"
	defaultLogoutPath       = "/logout"
	defaultLogoutReturnPath = "/logout/return"
	defaultFlowTTL          = 10 * time.Minute
)

// Config configures a [Login]. It is plain data, validated by [NewLogin],
// which keeps a copy; every zero value is a safe default.
type Config struct {
	// BaseURL is the app's own external URL, scheme and host with an
	// optional path prefix, such as "https://app.example.com": redirect
	// URIs are BaseURL + CallbackPath + "/" + provider name, and the
	// post-logout redirect URI is BaseURL + LogoutReturnPath; register
	// them with each provider. With a path, the app is served below it,
	// the prefix stripped (see [Login.Local]). With an https BaseURL,
	// flow cookies are Secure and have the __Host- prefix. It must be
	// https, or http to a loopback host (for development), unless
	// InsecureAllowHTTP. Required.
	BaseURL string

	// Keys seal the flow cookies (AES-256-GCM, see [Sealer]): at least 16
	// random bytes each, newest first. The first seals; all open, so
	// that logins in progress survive a rotation. Required unless
	// FlowStore is set.
	Keys [][]byte
	// FlowStore, when set, keeps flows on the server instead of in sealed
	// cookies. Nil: sealed cookies.
	FlowStore FlowStore
	// FlowTTL is how long a user may take between the redirect to the
	// provider and the callback. Zero: 10 minutes.
	FlowTTL time.Duration

	// OnLogin is called after a successful callback, with the token,
	// the verified ID-token claims and, when asked for, the userinfo
	// claims. Create the app's own session here (a new session ID, against
	// session fixation). It returns where to send the browser: "" means
	// res.ReturnTo, the local path the user asked for before logging in
	// (below the BaseURL's path, see [Login.Local]).
	// An error goes to ErrorHandler. Required.
	OnLogin func(w http.ResponseWriter, r *http.Request, res *Result) (redirectTo string, err error)
	// OnLogout is called by the Logout handler: end the app's own session
	// (clear its cookie) and return what is needed to end the provider's
	// session too: which provider the user logged in with, and the raw ID
	// token of that login (the id_token_hint). A zero LoggedOut skips
	// RP-Initiated Logout. Nil: nothing to clear.
	OnLogout func(w http.ResponseWriter, r *http.Request) (LoggedOut, error)
	// LoggedIn reports whether r comes from a logged-in user, for
	// [Login.RequireLogin]. Nil: RequireLogin lets nobody through.
	LoggedIn func(r *http.Request) bool
	// LoginPage is where RequireLogin sends an anonymous visitor, with the
	// page they asked for in its "next" query parameter: a page of the app
	// that lists the providers, linking to [Login.LoginURL]. Zero: the
	// login handler of the first registered provider.
	LoginPage string
	// ErrorHandler answers a request whose login or logout failed; err is
	// an [*Error]. Nil: [DefaultErrorHandler].
	ErrorHandler func(w http.ResponseWriter, r *http.Request, err error)

	// LoginPath, CallbackPath, LogoutPath and LogoutReturnPath are the
	// paths of the handlers that [Login.Handler] serves (the first two
	// followed by "/{provider}"). Zero: "/login", "/callback", "/logout"
	// and "/logout/return".
	LoginPath, CallbackPath, LogoutPath, LogoutReturnPath string

	// HTTPClient makes every request to the providers: discovery, keys,
	// tokens, userinfo. Nil: [http.DefaultClient].
	HTTPClient *http.Client
	// Now is the clock. Nil: [time.Now].
	Now func() time.Time
	// InsecureAllowHTTP permits a plain-http BaseURL and plain-http
	// providers on hosts that are not loopback. Codes, tokens and cookies
	// can then be read and replayed by anyone on the network path. Only
	// for development setups.
	InsecureAllowHTTP bool
}

// LoggedOut describes the login session that [Config.OnLogout] ended.
type LoggedOut struct {
	// Provider is the name of the provider the user had logged in with.
	Provider string
	// IDToken is the raw ID token of that login, sent as id_token_hint.
	IDToken string
}

// Provider is one identity provider, registered with [Login.Register]
// under Name, the counterpart of Authlib's oauth.register(name, ...).
// Give Issuer for an OpenID Connect provider (its endpoints, keys and
// client authentication method come from discovery), or AuthURL and
// TokenURL for a plain OAuth 2.0 one. Endpoints given explicitly win over
// discovered ones.
type Provider struct {
	// Name identifies the provider in URLs (/login/{name}): letters,
	// digits, "-" and "_". Required.
	Name string
	// Issuer is the OpenID Connect issuer, discovered at registration.
	Issuer string
	// Discovery configures discovery and ID-token verification; its
	// HTTPClient and Now default to the Login's. Only with Issuer.
	Discovery oidc.ProviderConfig

	// ClientID and ClientSecret are the client's credentials; the secret
	// is empty for a public client or a JWT method.
	ClientID, ClientSecret string
	// AuthMethod is the client authentication method at the token
	// endpoint (see [oauthkit.Config.AuthMethod]). Zero: chosen from the
	// discovered metadata, else client_secret_basic with a secret.
	AuthMethod string
	// ClientKey is the private key of private_key_jwt.
	ClientKey *jose.Key
	// Scopes are requested. Include "openid" for an OpenID Connect login.
	Scopes []string
	// AuthParams are extra authorization request parameters, such as
	// "prompt" or "hd" (Authlib's authorize_params).
	AuthParams map[string]string
	// ResponseMode is "" (query, the default) or "form_post": the
	// provider then POSTs the response to the callback.
	ResponseMode string

	// AuthURL and TokenURL are the authorization and token endpoints.
	// Required without Issuer.
	AuthURL, TokenURL string
	// UserInfoURL is the endpoint that describes the user, such as
	// https://api.github.com/user. Zero: the discovered userinfo_endpoint.
	UserInfoURL string
	// FetchUserInfo makes the callback fetch the userinfo claims into
	// [Result.UserInfo]. A plain OAuth 2.0 provider with a UserInfoURL
	// always has them fetched: it is the only way to learn who logged in.
	FetchUserInfo bool
	// EndSessionURL is the RP-Initiated Logout endpoint. Zero: the
	// discovered end_session_endpoint, if any.
	EndSessionURL string
	// RedirectURL overrides the redirect URI derived from the BaseURL.
	RedirectURL string

	// Session is the base of the session configuration, for what the
	// fields above do not cover (Hooks, Leeway, PKCE, Logger, DPoP, ...);
	// the fields above replace its fields of the same names when set. A
	// DPoP config without a key gets one generated at registration, which
	// every session of the provider shares and which lives as long as the
	// process: give a key to keep using bound tokens after a restart.
	Session oauthkit.Config
}

// validate reports every problem of c at once.
func (c *Config) validate() error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidConfig}, a...)...))
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		bad("base url %q is not an absolute http or https URL without query", c.BaseURL)
	} else if err := checkTransport(c.BaseURL, c.InsecureAllowHTTP); err != nil {
		errs = append(errs, err)
	}
	if len(c.Keys) == 0 && c.FlowStore == nil {
		bad("no flow cookie keys and no flow store")
	}
	if c.OnLogin == nil {
		bad("no OnLogin")
	}
	if c.FlowTTL < 0 {
		bad("negative flow ttl")
	}
	for _, p := range []string{c.LoginPath, c.CallbackPath, c.LogoutPath, c.LogoutReturnPath} {
		if p != "" && (!strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/")) {
			bad("handler path %q must start with / and not end with /", p)
		}
	}
	if c.LoginPage != "" && !isLocalPath(c.LoginPage) {
		bad("login page %q is not a local path", c.LoginPage)
	}
	return errors.Join(errs...)
}

// validName accepts provider names that are safe in a URL path.
func validName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for _, r := range name {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// checkTransport applies the module's one transport rule
// ([secure.CheckTransport]: https, or http to a loopback host, unless
// allowed) and reports a refusal as [oauthkit.ErrInsecureTransport].
func checkTransport(raw string, allowHTTP bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%w: %q: %v", ErrInvalidConfig, raw, err)
	}
	if err := secure.CheckTransport(u, allowHTTP); err != nil {
		return fmt.Errorf("%w: %v (InsecureAllowHTTP permits http)", oauthkit.ErrInsecureTransport, err)
	}
	return nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
