package assertion

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
)

// Lifetimes of assertions. RFC 7523 section 3 item 4 lets the server bound
// exp; Google, for one, refuses assertions valid for more than an hour.
const (
	defaultLifetime = time.Hour
	maxLifetime     = time.Hour
)

// ErrInvalidConfig is [oauthkit.ErrInvalidConfig], wrapped by every error
// about a bad [Config] or an incomplete [ServiceAccount]. One name, one
// meaning across the module: errors.Is matches either name.
var ErrInvalidConfig = oauthkit.ErrInvalidConfig

// Config configures the JWT-bearer grant (RFC 7523 section 2.1) and its
// session. The caller's value is never written to.
type Config struct {
	// TokenURL is the token endpoint. Required.
	TokenURL string
	// Issuer is the assertion's iss, e.g. a service account's email.
	// Required.
	Issuer string
	// Subject is the assertion's sub, the principal the token is for, e.g.
	// the user of Google's domain-wide delegation. Empty: no sub claim, and
	// the server takes the issuer as the subject.
	Subject string
	// Audience is the assertion's aud. Zero: TokenURL (RFC 7523 section 3
	// item 3).
	Audience string
	// Claims are extra claims, e.g. Google's "scope". They cannot replace
	// iss, sub, aud, iat or exp. A "jti" given here is kept (as Authlib
	// keeps it), so every assertion carries the same one; without one,
	// each gets a random jti.
	Claims map[string]any
	// Key signs the assertion. Required.
	Key *jose.Key
	// Header adds members to the JWS header, e.g. "kid". An "alg" member
	// selects the algorithm, which must fit Key; without it, Key's
	// algorithm is used.
	Header map[string]any
	// Scopes are sent as the scope parameter of the token request. Zero:
	// none is sent (a scope claim may be enough, as with Google).
	Scopes []string
	// Lifetime is how long an assertion is valid. Zero means one hour, the
	// most allowed.
	Lifetime time.Duration
	// Leeway is how long before the token expires the session fetches a
	// new one (Authlib's leeway); see [oauthkit.Config.Leeway]. Zero: 60
	// seconds. Negative: only once it has expired.
	Leeway time.Duration

	// ClientID and ClientSecret authenticate the client, for servers that
	// want client authentication on top of the assertion. Zero: the token
	// request carries no client authentication at all.
	ClientID, ClientSecret string
	// AuthMethod names the client authentication method when ClientID is
	// set; see [oauthkit.Config.AuthMethod]. Zero: client_secret_basic.
	AuthMethod string

	// HTTPClient makes the token requests. Nil: [http.DefaultClient].
	HTTPClient *http.Client
	// Now is the clock. Nil: [time.Now].
	Now func() time.Time
	// InsecureAllowHTTP permits a plain http token endpoint that is not
	// loopback. Anyone on the network path can then replay assertions and
	// read tokens. Only for development setups.
	InsecureAllowHTTP bool
}

// validate reports every problem of c at once.
func (c *Config) validate() error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidConfig}, a...)...))
	}
	if c.TokenURL == "" && c.Audience == "" {
		bad("no token url or audience")
	}
	if c.Issuer == "" {
		bad("no issuer")
	}
	if c.Key == nil {
		bad("no key")
	} else if !c.Key.IsPrivate() {
		bad("key %v is not a private key or secret", c.Key)
	}
	if c.Lifetime < 0 || c.Lifetime > maxLifetime {
		bad("lifetime %s is not between 0 and %s", c.Lifetime, maxLifetime)
	}
	if a, ok := c.Header["alg"]; ok {
		if _, isString := a.(string); !isString {
			bad("header alg %v is not a string", a)
		}
	}
	return errors.Join(errs...)
}

// String describes the config without secrets.
func (c Config) String() string {
	return fmt.Sprintf("assertion.Config{TokenURL:%q Issuer:%q Subject:%q Audience:%q Key:%v ClientID:%q ClientSecret:%s}",
		c.TokenURL, c.Issuer, c.Subject, c.Audience, c.Key, c.ClientID, redact(c.ClientSecret))
}

// GoString is String, so that %#v redacts too.
func (c Config) GoString() string { return c.String() }

// Format prints String for every verb, so that no verb shows a secret.
func (c Config) Format(f fmt.State, _ rune) { fmt.Fprint(f, c.String()) }

// LogValue logs the config without secrets.
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

func redact(s string) string {
	if s == "" {
		return `""`
	}
	return "[redacted]"
}

// JWTBearer returns the JWT-bearer grant of cfg (RFC 7523 section 2.1).
// Every TokenParams call signs a fresh assertion: iss, sub (when set),
// aud, iat, exp, a random jti unless the claims give one, and the extra
// claims. An unusable cfg makes
// TokenParams fail; [NewSession] reports it at once.
func JWTBearer(cfg Config) oauthkit.Grant {
	cfg.Claims = maps.Clone(cfg.Claims)
	cfg.Header = maps.Clone(cfg.Header)
	cfg.Scopes = slices.Clone(cfg.Scopes)
	return &jwtBearer{cfg: cfg}
}

type jwtBearer struct{ cfg Config }

// TokenParams signs an assertion and returns grant_type, assertion and
// scope.
func (g *jwtBearer) TokenParams(context.Context) (url.Values, error) {
	if err := g.cfg.validate(); err != nil {
		return nil, err
	}
	raw, err := g.sign()
	if err != nil {
		return nil, err
	}
	v := url.Values{"grant_type": {oauthkit.GrantTypeJWTBearer}, "assertion": {raw}}
	if len(g.cfg.Scopes) > 0 {
		v.Set("scope", strings.Join(g.cfg.Scopes, " "))
	}
	return v, nil
}

// sign builds and signs one assertion.
func (g *jwtBearer) sign() (string, error) {
	c := &g.cfg
	now := time.Now()
	if c.Now != nil {
		now = c.Now()
	}
	lifetime := c.Lifetime
	if lifetime == 0 {
		lifetime = defaultLifetime
	}
	claims := make(map[string]any, len(c.Claims)+6)
	maps.Copy(claims, c.Claims)
	delete(claims, "sub")
	claims["iss"] = c.Issuer
	if c.Subject != "" {
		claims["sub"] = c.Subject
	}
	claims["aud"] = cmpOr(c.Audience, c.TokenURL)
	claims["iat"] = now.Unix()
	claims["exp"] = now.Add(lifetime).Unix()
	if _, ok := claims["jti"]; !ok {
		claims["jti"] = rand.Text()
	}
	alg, _ := c.Header["alg"].(string)
	raw, err := jose.Sign(c.Key, alg, c.Header, claims)
	if err != nil {
		return "", fmt.Errorf("assertion: sign: %w", err)
	}
	return raw, nil
}

// String describes the grant without secrets.
func (g *jwtBearer) String() string {
	return fmt.Sprintf("assertion.JWTBearer{Issuer:%q Subject:%q Audience:%q}", g.cfg.Issuer, g.cfg.Subject, cmpOr(g.cfg.Audience, g.cfg.TokenURL))
}

// NewSession returns a session that gets its tokens with the JWT-bearer
// grant of cfg: on first use, and again when the token is due (there is
// no refresh token in this grant). Without cfg.ClientID the token requests
// carry no client authentication; the root package's session still needs
// a client id, so the issuer stands in for it.
func NewSession(cfg Config) (*oauthkit.Session, error) {
	err := cfg.validate()
	if cfg.TokenURL == "" {
		err = errors.Join(err, fmt.Errorf("%w: no token url", ErrInvalidConfig))
	}
	if err != nil {
		return nil, err
	}
	oc := oauthkit.Config{
		ClientID:          cfg.ClientID,
		ClientSecret:      cfg.ClientSecret,
		AuthMethod:        cfg.AuthMethod,
		TokenURL:          cfg.TokenURL,
		Scopes:            slices.Clone(cfg.Scopes),
		Grant:             JWTBearer(cfg),
		Leeway:            cfg.Leeway,
		HTTPClient:        cfg.HTTPClient,
		Now:               cfg.Now,
		InsecureAllowHTTP: cfg.InsecureAllowHTTP,
	}
	if cfg.ClientID == "" {
		oc.ClientID = cfg.Issuer
		oc.ClientAuth = oauthkit.ClientAuthFunc(func(context.Context, *oauthkit.ClientAuthRequest) error { return nil })
	}
	return oauthkit.NewSession(oc)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
