package oidc

import (
	"context"
	"crypto/subtle"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
)

// defaultLeeway is the clock skew tolerated when VerifierConfig.Leeway is
// zero.
const defaultLeeway = time.Minute

// VerifierConfig configures a [Verifier]. Every zero value is a safe
// default.
type VerifierConfig struct {
	// Algorithms is the allow-list of signature algorithms. Zero: RS256
	// only, the OpenID Connect default (Core section 15.1). "none" is never
	// accepted, and an HMAC algorithm is never verified with a public key.
	Algorithms []string
	// Now is the clock. Nil: [time.Now].
	Now func() time.Time
	// Leeway is the clock skew tolerated on exp, iat, nbf and auth_time.
	// Zero means one minute; a negative value means none. Keep it small:
	// it extends the life of every token.
	Leeway time.Duration
	// IssuerValidator, when set, decides which iss values are acceptable
	// instead of an exact comparison with the issuer, for multi-tenant
	// providers; see [TenantIssuer]. Nil: iss must equal the issuer.
	IssuerValidator IssuerValidator
	// RequireAuthTime makes auth_time required in every ID token, as when
	// the client registered require_auth_time. Without it, auth_time is
	// required only when a max age was requested.
	RequireAuthTime bool
	// InsecureAllowWeakRSA accepts ID tokens signed with RSA keys shorter
	// than 2048 bits (see [jose.VerifyOptions.InsecureAllowWeakRSA]),
	// which are refused otherwise. Only for an issuer that cannot rotate
	// to a proper key.
	InsecureAllowWeakRSA bool
}

// Verifier verifies ID tokens of one client at one issuer: their
// signature and their claims, as OpenID Connect Core sections 3.1.3.7
// (code flow), 3.2.2.11 (implicit flow), 3.3.2.12 (hybrid flow) and 12.2
// (refresh) say. It implements [oauthkit.IDTokenValidator], so a session
// verifies the ID tokens it receives; [Verifier.Verify] verifies one by
// hand.
//
// A Verifier is safe for concurrent use by multiple goroutines.
type Verifier struct {
	issuer, clientID string
	keys             jose.KeySource
	opts             jose.VerifyOptions
	now              func() time.Time
	leeway           time.Duration
	issuerValidator  IssuerValidator
	requireAuthTime  bool
}

var _ oauthkit.IDTokenValidator = (*Verifier)(nil)

// NewVerifier returns a verifier of the ID tokens that issuer issues to
// clientID, with signatures checked against keys (a static
// [jose.KeySet] or a [jose.RemoteKeySet] on the provider's jwks_uri).
// An empty issuer, client id or nil keys make every verification fail.
// [Provider.Verifier] builds one from discovery.
func NewVerifier(issuer, clientID string, keys jose.KeySource, cfg VerifierConfig) *Verifier {
	v := &Verifier{
		issuer:          issuer,
		clientID:        clientID,
		keys:            keys,
		opts:            jose.VerifyOptions{Algorithms: slices.Clone(cfg.Algorithms), InsecureAllowWeakRSA: cfg.InsecureAllowWeakRSA},
		now:             cfg.Now,
		leeway:          cfg.Leeway,
		issuerValidator: cfg.IssuerValidator,
		requireAuthTime: cfg.RequireAuthTime,
	}
	v.now, v.leeway = clockAndLeeway(v.now, v.leeway)
	return v
}

// VerifyOption is an option of [Verifier.Verify]: what the client knows
// about the request that produced the token.
type VerifyOption interface {
	applyVerify(*verifyParams)
}

type verifyParams struct {
	nonce, accessToken, code, responseType, subject string
	maxAge                                          time.Duration
	maxAgeSet                                       bool
	previous                                        *idClaims // the ID token this one follows, if any
	refresh                                         bool      // previous is the ID token being refreshed
}

type verifyFunc func(*verifyParams)

func (f verifyFunc) applyVerify(p *verifyParams) { f(p) }

// ExpectNonce sets the nonce sent in the authorization request: the token's
// nonce must equal it (OpenID Connect Core section 3.1.3.7 step 11).
// Without it no nonce is compared, so always give it when one was sent.
func ExpectNonce(nonce string) VerifyOption {
	return verifyFunc(func(p *verifyParams) { p.nonce = nonce })
}

// ExpectMaxAge sets the max_age sent in the authorization request: the token
// must then carry auth_time, no older than maxAge plus the leeway (OpenID
// Connect Core section 3.1.3.7 step 13).
func ExpectMaxAge(maxAge time.Duration) VerifyOption {
	return verifyFunc(func(p *verifyParams) { p.maxAge, p.maxAgeSet = maxAge, true })
}

// ExpectAccessToken sets the access token issued with the ID token, so that
// at_hash, when present, is checked against it (OpenID Connect Core
// section 3.1.3.8).
func ExpectAccessToken(accessToken string) VerifyOption {
	return verifyFunc(func(p *verifyParams) { p.accessToken = accessToken })
}

// ExpectCode sets the authorization code returned with the ID token, so
// that c_hash, when present, is checked against it (OpenID Connect Core
// section 3.3.2.10).
func ExpectCode(code string) VerifyOption {
	return verifyFunc(func(p *verifyParams) { p.code = code })
}

// ExpectResponseType says the ID token came from the authorization endpoint
// in a response of this response_type (implicit or hybrid flow). That
// makes at_hash required when an access token was issued with it
// ("id_token token", "code id_token token") and c_hash required in the
// hybrid flow ("code id_token", "code id_token token"), as OpenID Connect
// Core sections 3.2.2.11 and 3.3.2.11 say.
func ExpectResponseType(responseType string) VerifyOption {
	return verifyFunc(func(p *verifyParams) { p.responseType = responseType })
}

// ExpectSubject sets the subject the token must be about, for instance the
// sub of the original ID token when verifying one from a refresh (OpenID
// Connect Core section 12.2).
func ExpectSubject(sub string) VerifyOption {
	return verifyFunc(func(p *verifyParams) { p.subject = sub })
}

// Verify checks the signature and the claims of the compact ID token raw
// and returns its claims. It checks, each with its own error:
//   - the signature, under the algorithm allow-list ([ErrInvalidSignature]);
//   - that iss, sub, aud, exp and iat are present ([ErrMissingClaim]);
//   - iss equals the issuer ([ErrInvalidIssuer]);
//   - aud contains the client id ([ErrInvalidAudience]); azp, when present,
//     equals it and is present when there are several audiences
//     ([ErrInvalidAuthorizedParty]);
//   - exp ([ErrIDTokenExpired]), iat ([ErrIssuedInFuture]) and nbf
//     ([ErrIDTokenNotYetValid]) against the clock, with the leeway;
//   - the nonce, when [ExpectNonce] gives one ([ErrInvalidNonce]);
//   - at_hash and c_hash, when present or required ([ExpectAccessToken],
//     [ExpectCode], [ExpectResponseType]);
//   - auth_time, when [ExpectMaxAge] or RequireAuthTime asks
//     ([ErrAuthTimeRequired], [ErrAuthTooOld]);
//   - sub, when [ExpectSubject] gives one ([ErrSubjectMismatch]).
//
// It does not check acr or amr values; check them on the result.
func (v *Verifier) Verify(ctx context.Context, raw string, opts ...VerifyOption) (*IDToken, error) {
	var p verifyParams
	if len(opts) > 0 {
		// An option may keep the pointer it is given: only then do the
		// parameters live on the heap.
		q := new(verifyParams)
		for _, o := range opts {
			o.applyVerify(q)
		}
		p = *q
	}
	return v.verify(ctx, raw, &p)
}

// ValidateIDToken implements [oauthkit.IDTokenValidator]: it verifies
// tok.IDToken with the nonce, max_age, code and response type of the
// request behind it, and returns the claims as an *[IDToken] (see
// [VerifiedIDToken]). For a refresh (OpenID Connect Core section 12.2) no
// nonce or max_age is checked. When c names a previous ID token (a
// refresh, or the front-channel ID token of the hybrid flow, section
// 3.3.3.6), the new one must have the same iss ([ErrInvalidIssuer]) and
// sub ([ErrSubjectMismatch]); on a refresh its auth_time may not be
// earlier than the previous one's ([ErrAuthTimeMismatch]).
func (v *Verifier) ValidateIDToken(ctx context.Context, tok *oauthkit.Token, c oauthkit.IDTokenCheck) (oauthkit.IDTokenClaims, error) {
	p := verifyParams{accessToken: tok.AccessToken}
	if c.GrantType != oauthkit.GrantTypeRefreshToken {
		p.nonce, p.code = c.Nonce, c.Code
		if c.MaxAge != "" {
			sec, err := strconv.ParseInt(c.MaxAge, 10, 64)
			if err != nil || sec < 0 {
				return nil, fmt.Errorf("%w: max_age %q is not a number of seconds", oauthkit.ErrInvalidConfig, c.MaxAge)
			}
			p.maxAge, p.maxAgeSet = time.Duration(min(sec, 1<<32))*time.Second, true
		}
	}
	if c.GrantType == "implicit" {
		p.responseType = c.ResponseType
	}
	if c.PreviousIDToken != "" {
		prev, err := previousClaims(c.PreviousIDToken)
		if err != nil {
			return nil, err
		}
		p.previous, p.refresh = prev, c.GrantType == oauthkit.GrantTypeRefreshToken
	}
	idt, err := v.verify(ctx, tok.IDToken, &p)
	if err != nil {
		return nil, err
	}
	return idt, nil
}

// verify implements Verify.
func (v *Verifier) verify(ctx context.Context, raw string, p *verifyParams) (*IDToken, error) {
	if v.issuer == "" || v.clientID == "" || v.keys == nil {
		return nil, fmt.Errorf("%w: verifier needs an issuer, a client id and keys", oauthkit.ErrInvalidConfig)
	}
	vt, err := jose.Verify(ctx, raw, v.keys, v.opts)
	if err != nil {
		return nil, wrapVerifyError(err)
	}
	var c idClaims
	// Strictly: a claim given twice, or under another case ("AUD"),
	// satisfies no check. The scan reads the plain claims sets of most
	// issuers; DecodeClaims decides on the others.
	if !scanIDClaims(vt.Payload, &c) {
		c = idClaims{}
		if err := jose.DecodeClaims(vt.Payload, &c); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformedClaims, trimPrefix(err.Error()))
		}
	}
	tok := c.toIDToken(raw, vt.Payload)
	if err := v.checkClaims(tok, &c, vt.Header.Algorithm, p); err != nil {
		return nil, err
	}
	return tok, nil
}

// checkClaims applies the rules of OpenID Connect Core section 3.1.3.7
// (steps 2-13), 3.2.2.11 and 3.3.2.12 in order, returning the first
// failure.
func (v *Verifier) checkClaims(tok *IDToken, c *idClaims, alg string, p *verifyParams) error {
	if err := checkRequired(c); err != nil {
		return err
	}
	if err := v.checkIssuer(tok); err != nil {
		return err
	}
	if err := v.checkAudience(tok); err != nil {
		return err
	}
	now := v.now()
	if err := v.checkTimes(tok, now); err != nil {
		return err
	}
	if p.nonce != "" && subtle.ConstantTimeCompare([]byte(tok.Nonce), []byte(p.nonce)) != 1 {
		return mismatch(ErrInvalidNonce, tok.Nonce, p.nonce)
	}
	if err := checkHashes(tok, alg, p); err != nil {
		return err
	}
	if err := v.checkAuthTime(tok, c, p, now); err != nil {
		return err
	}
	if p.subject != "" && tok.Subject != p.subject {
		return mismatch(ErrSubjectMismatch, tok.Subject, p.subject)
	}
	return checkPrevious(c, p)
}

// checkRequired reports the first required claim (OpenID Connect Core
// section 2) that is absent.
func checkRequired(c *idClaims) error {
	for _, r := range []struct {
		name string
		ok   bool
	}{
		{"iss", c.Iss != ""}, {"sub", c.Sub != ""}, {"aud", len(c.Aud) > 0},
		{"exp", c.Exp.set}, {"iat", c.Iat.set},
	} {
		if !r.ok {
			return fmt.Errorf("%w: %s", ErrMissingClaim, r.name)
		}
	}
	return nil
}

// checkIssuer is step 2: iss must exactly match the issuer.
func (v *Verifier) checkIssuer(tok *IDToken) error {
	if v.issuerValidator != nil {
		if err := v.issuerValidator.ValidateTokenIssuer(tok.Issuer, tok); err != nil {
			return fmt.Errorf("%w: %q: %v", ErrInvalidIssuer, tok.Issuer, trimPrefix(err.Error()))
		}
		return nil
	}
	if tok.Issuer != v.issuer {
		return mismatch(ErrInvalidIssuer, tok.Issuer, v.issuer)
	}
	return nil
}

// checkAudience is steps 3 to 5: aud contains the client id; with several
// audiences azp is present; azp, when present, is the client id.
func (v *Verifier) checkAudience(tok *IDToken) error {
	if !slices.Contains(tok.Audience, v.clientID) {
		return fmt.Errorf("%w: got %q, want %q among them", ErrInvalidAudience, tok.Audience, v.clientID)
	}
	if len(tok.Audience) > 1 && tok.AuthorizedParty == "" {
		return fmt.Errorf("%w: several audiences %q and no azp", ErrInvalidAuthorizedParty, tok.Audience)
	}
	if tok.AuthorizedParty != "" && tok.AuthorizedParty != v.clientID {
		return mismatch(ErrInvalidAuthorizedParty, tok.AuthorizedParty, v.clientID)
	}
	return nil
}

// checkTimes is steps 9 and 10 plus nbf (RFC 7519 section 4.1.5).
func (v *Verifier) checkTimes(tok *IDToken, now time.Time) error {
	if now.After(tok.Expiry.Add(v.leeway)) {
		return fmt.Errorf("%w: expired at %s, now %s", ErrIDTokenExpired, stamp(tok.Expiry), stamp(now))
	}
	if tok.IssuedAt.After(now.Add(v.leeway)) {
		return fmt.Errorf("%w: issued at %s, now %s", ErrIssuedInFuture, stamp(tok.IssuedAt), stamp(now))
	}
	if !tok.NotBefore.IsZero() && tok.NotBefore.After(now.Add(v.leeway)) {
		return fmt.Errorf("%w: not before %s, now %s", ErrIDTokenNotYetValid, stamp(tok.NotBefore), stamp(now))
	}
	return nil
}

// checkHashes checks at_hash (OpenID Connect Core 3.1.3.8, 3.2.2.9) and
// c_hash (3.3.2.10). A hash is required only in an ID token from the
// authorization endpoint: at_hash when an access token came with it,
// c_hash in the hybrid flow (3.2.2.10, 3.3.2.11).
func checkHashes(tok *IDToken, alg string, p *verifyParams) error {
	front := p.responseType != ""
	switch {
	case tok.AccessTokenHash != "" && p.accessToken != "":
		if err := checkHash(ErrInvalidAtHash, alg, tok.AccessTokenHash, p.accessToken); err != nil {
			return err
		}
	case tok.AccessTokenHash == "" && front && hasWord(p.responseType, "token"):
		return fmt.Errorf("%w: response type %q issues an access token", ErrMissingAtHash, p.responseType)
	}
	switch {
	case tok.CodeHash != "" && p.code != "":
		return checkHash(ErrInvalidCHash, alg, tok.CodeHash, p.code)
	case tok.CodeHash == "" && front && hasWord(p.responseType, "code") && hasWord(p.responseType, "id_token"):
		return fmt.Errorf("%w: response type %q is the hybrid flow", ErrMissingCHash, p.responseType)
	}
	return nil
}

// checkAuthTime is step 13: with max_age (or require_auth_time),
// auth_time is required; with max_age, it must be recent enough.
func (v *Verifier) checkAuthTime(tok *IDToken, c *idClaims, p *verifyParams, now time.Time) error {
	if !p.maxAgeSet && !v.requireAuthTime {
		return nil
	}
	if !c.AuthTime.set {
		return fmt.Errorf("%w: max_age or require_auth_time asks for it", ErrAuthTimeRequired)
	}
	if p.maxAgeSet && now.Sub(tok.AuthTime) > p.maxAge+v.leeway {
		return fmt.Errorf("%w: authenticated at %s, max age %s, now %s", ErrAuthTooOld, stamp(tok.AuthTime), p.maxAge, stamp(now))
	}
	return nil
}

// hasWord reports whether the space-separated list s contains w.
func hasWord(s, w string) bool {
	return slices.Contains(strings.Fields(s), w)
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
