package oidc

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/oauthkit/oauthkit/jose"
)

// BackChannelLogoutEvent is the member of a logout token's "events" claim
// that makes it one (OpenID Connect Back-Channel Logout 1.0 section 2.4).
const BackChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout"

// defaultLogoutTokenAge bounds the age of a logout token without exp.
const defaultLogoutTokenAge = 5 * time.Minute

// LogoutToken is a verified back-channel logout token (OpenID Connect
// Back-Channel Logout 1.0 section 2.4). Subject, SessionID or both are
// set.
type LogoutToken struct {
	// Issuer is "iss".
	Issuer string
	// Subject is "sub", the end user at the issuer; empty when only the
	// session is named.
	Subject string
	// SessionID is "sid", the provider's session identifier, as in the ID
	// tokens of that session; empty when only the user is named.
	SessionID string
	// Audience is "aud".
	Audience []string
	// IssuedAt is "iat".
	IssuedAt time.Time
	// Expiry is "exp"; zero when the token has none.
	Expiry time.Time
	// ID is "jti", unique per token.
	ID string
	// Raw is the compact JWS the token was decoded from.
	Raw string

	payload []byte
}

// Claims decodes the token's verified claims into v, as
// [IDToken.Claims] does.
func (t *LogoutToken) Claims(v any) error { return json.Unmarshal(t.payload, v) }

// LogoutTokenConfig configures a [LogoutTokenVerifier]. Every zero value
// is a safe default.
type LogoutTokenConfig struct {
	// Algorithms is the allow-list of signature algorithms. Zero: RS256
	// only. "none" is never accepted, nor HMAC with a public key.
	Algorithms []string
	// Now is the clock. Nil: [time.Now].
	Now func() time.Time
	// Leeway is the clock skew tolerated on iat and exp. Zero means one
	// minute; a negative value means none.
	Leeway time.Duration
	// MaxAge bounds how old a token may be, by its iat, whatever its exp
	// says: the jti of an accepted token is remembered that long at most
	// (plus the leeway), which bounds the replay cache (OpenID Connect
	// Core 1.0 section 3.1.3.7 lets a client reject tokens issued too long
	// ago for this reason). Zero: 5 minutes.
	MaxAge time.Duration
	// IssuerValidator, when set, decides which iss values are acceptable,
	// for multi-tenant providers. Nil: iss must equal the issuer.
	IssuerValidator IssuerValidator
	// Replay remembers the jti of every accepted token until it expires,
	// so that a replayed token is refused. Nil: an in-memory cache of
	// this verifier; give a shared one when several instances of the
	// application receive logout tokens.
	Replay ReplayCache
}

// ReplayCache remembers token IDs. Implementations must be safe for
// concurrent use.
type ReplayCache interface {
	// Use records id until expiry and reports whether it was new. An error
	// refuses the token.
	Use(ctx context.Context, id string, expiry time.Time) (bool, error)
}

// LogoutTokenVerifier verifies the back-channel logout tokens an issuer
// sends one client, with the same algorithm allow-list and keys as its
// ID tokens. A LogoutTokenVerifier is safe for concurrent use by multiple
// goroutines.
type LogoutTokenVerifier struct {
	check  jwtCheck
	maxAge time.Duration
	replay ReplayCache
}

// NewLogoutTokenVerifier returns a verifier of the logout tokens issuer
// sends clientID, signed by keys. An empty issuer, client id or nil keys
// make every verification fail.
func NewLogoutTokenVerifier(issuer, clientID string, keys jose.KeySource, cfg LogoutTokenConfig) *LogoutTokenVerifier {
	v := &LogoutTokenVerifier{
		check:  newJWTCheck(issuer, clientID, keys, cfg.Algorithms, cfg.Now, cfg.Leeway, cfg.IssuerValidator),
		maxAge: cfg.MaxAge,
		replay: cfg.Replay,
	}
	if v.maxAge <= 0 {
		v.maxAge = defaultLogoutTokenAge
	}
	if v.replay == nil {
		v.replay = &memoryReplayCache{now: v.check.now, seen: map[string]time.Time{}}
	}
	return v
}

// LogoutTokenVerifier returns a verifier of the logout tokens the
// provider sends clientID, with the provider's keys, ID token algorithms,
// clock, leeway and issuer validator, and an in-memory replay cache.
func (p *Provider) LogoutTokenVerifier(clientID string) *LogoutTokenVerifier {
	return NewLogoutTokenVerifier(p.meta.Issuer, clientID, p.keys, LogoutTokenConfig{
		Algorithms: p.algs, Now: p.cfg.Now, Leeway: p.cfg.Leeway, IssuerValidator: p.cfg.IssuerValidator,
	})
}

// Verify validates a logout token as Back-Channel Logout 1.0 section 2.6
// says and returns it. It checks, in order:
//   - the signature under the allow-list ([ErrInvalidSignature]), and a
//     "typ" header, if any, of "logout+jwt" or "JWT";
//   - iss, aud, iat and jti present, and sub or sid ([ErrMissingClaim]);
//   - iss ([ErrInvalidIssuer]) and aud ([ErrInvalidAudience]) as for ID
//     tokens;
//   - iat not in the future nor older than MaxAge, and exp (when
//     present) not passed ([ErrInvalidLogoutToken]);
//   - an "events" object with the back-channel logout event, whose value
//     is a JSON object, and no "nonce", so that an ID token is never taken
//     for a logout token ([ErrInvalidLogoutToken]);
//   - that its jti was not seen before ([ErrLogoutTokenReplayed]), which
//     is recorded last, only for a token that passed every other check.
func (v *LogoutTokenVerifier) Verify(ctx context.Context, raw string) (*LogoutToken, error) {
	vt, err := v.check.verify(ctx, raw, "logout token")
	if err != nil {
		return nil, err
	}
	// typ is a media type, compared without case and with its
	// "application/" left out (RFC 7515 section 4.1.9).
	if typ := strings.TrimPrefix(strings.ToLower(vt.Header.Type), "application/"); typ != "" && typ != "logout+jwt" && typ != "jwt" {
		return nil, fmt.Errorf("%w: typ %q", ErrInvalidLogoutToken, vt.Header.Type)
	}
	c, err := parseLogoutClaims(vt.Payload)
	if err != nil {
		return nil, err
	}
	if err := v.check.checkIssuerAudience(c.Iss, c.Aud, vt.Payload); err != nil {
		return nil, err
	}
	expiry, err := v.checkTimes(c)
	if err != nil {
		return nil, err
	}
	fresh, err := v.replay.Use(ctx, c.Iss+"\x00"+c.Jti, expiry)
	if err != nil {
		return nil, fmt.Errorf("oidc: logout token replay cache: %w", err)
	}
	if !fresh {
		return nil, fmt.Errorf("%w: jti %q", ErrLogoutTokenReplayed, c.Jti)
	}
	return &LogoutToken{
		Issuer: c.Iss, Subject: c.Sub, SessionID: c.Sid, Audience: c.Aud,
		IssuedAt: c.Iat.time(), Expiry: c.Exp.time(), ID: c.Jti, Raw: raw, payload: vt.Payload,
	}, nil
}

// checkTimes checks iat and exp and returns until when the jti must be
// remembered.
func (v *LogoutTokenVerifier) checkTimes(c *logoutClaims) (time.Time, error) {
	now, leeway := v.check.now(), v.check.leeway
	iat := c.Iat.time()
	if iat.After(now.Add(leeway)) {
		return time.Time{}, fmt.Errorf("%w: issued at %s, now %s", ErrInvalidLogoutToken, stamp(iat), stamp(now))
	}
	if c.Exp.set && now.After(c.Exp.time().Add(leeway)) {
		return time.Time{}, fmt.Errorf("%w: expired at %s, now %s", ErrInvalidLogoutToken, stamp(c.Exp.time()), stamp(now))
	}
	// A token is accepted until MaxAge after its iat at most, even when
	// its exp is later, so that its jti need not be kept longer.
	until := iat.Add(v.maxAge + leeway)
	if now.After(until) {
		return time.Time{}, fmt.Errorf("%w: issued at %s, older than %s", ErrInvalidLogoutToken, stamp(iat), v.maxAge)
	}
	if c.Exp.set && c.Exp.time().Add(leeway).Before(until) {
		until = c.Exp.time().Add(leeway)
	}
	return until, nil
}

// logoutClaims is the wire form of a logout token's claims.
type logoutClaims struct {
	Iss    string                     `json:"iss"`
	Sub    string                     `json:"sub"`
	Sid    string                     `json:"sid"`
	Aud    audience                   `json:"aud"`
	Iat    numericDate                `json:"iat"`
	Exp    numericDate                `json:"exp"`
	Jti    string                     `json:"jti"`
	Events map[string]json.RawMessage `json:"events"`
	Nonce  json.RawMessage            `json:"nonce"` // "null" when sent as null
}

// parseLogoutClaims decodes the claims and applies the rules of section
// 2.4 that need nothing but the claims.
func parseLogoutClaims(payload []byte) (*logoutClaims, error) {
	var c logoutClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, fmt.Errorf("%w: logout token: %v", ErrMalformedClaims, err)
	}
	for _, r := range []struct {
		name string
		ok   bool
	}{
		{"iss", c.Iss != ""}, {"aud", len(c.Aud) > 0}, {"iat", c.Iat.set}, {"jti", c.Jti != ""},
		{"sub or sid", c.Sub != "" || c.Sid != ""},
	} {
		if !r.ok {
			return nil, fmt.Errorf("%w: logout token: %s", ErrMissingClaim, r.name)
		}
	}
	ev, ok := c.Events[BackChannelLogoutEvent]
	switch {
	case c.Nonce != nil:
		return nil, fmt.Errorf("%w: a logout token must not have a nonce", ErrInvalidLogoutToken)
	case !ok:
		return nil, fmt.Errorf("%w: events has no %s member", ErrInvalidLogoutToken, BackChannelLogoutEvent)
	case !isJSONObject(ev):
		return nil, fmt.Errorf("%w: the %s event is not a JSON object", ErrInvalidLogoutToken, BackChannelLogoutEvent)
	}
	return &c, nil
}

func isJSONObject(raw json.RawMessage) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(raw, &m) == nil && m != nil
}

// memoryReplayCache is the default [ReplayCache]. Only tokens that
// passed every other check reach it, so it holds no more than what the
// provider sent within the tokens' lifetimes.
type memoryReplayCache struct {
	now  func() time.Time
	mu   sync.Mutex // guards seen
	seen map[string]time.Time
}

func (m *memoryReplayCache) Use(_ context.Context, id string, expiry time.Time) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	for k, exp := range m.seen {
		if now.After(exp) {
			delete(m.seen, k)
		}
	}
	if _, ok := m.seen[id]; ok {
		return false, nil
	}
	m.seen[id] = expiry
	return true, nil
}
