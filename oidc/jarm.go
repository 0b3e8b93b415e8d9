package oidc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
)

// JARMConfig configures a [JARMVerifier]. Every zero value is a safe
// default.
type JARMConfig struct {
	// Algorithms is the allow-list of signature algorithms. Zero: RS256
	// only. "none" is never accepted, and an HMAC algorithm is never
	// verified with a public key.
	Algorithms []string
	// DecryptionKeys are the client's private keys for encrypted
	// responses (JARM section 2.2), whose public halves the client
	// registered. Nil: an encrypted response is refused.
	DecryptionKeys []*jose.Key
	// Now is the clock. Nil: [time.Now].
	Now func() time.Time
	// Leeway is the clock skew tolerated on exp. Zero means one minute; a
	// negative value means none.
	Leeway time.Duration
	// IssuerValidator, when set, decides which iss values are acceptable,
	// for multi-tenant providers. Nil: iss must equal the issuer.
	IssuerValidator IssuerValidator
}

// JARMVerifier verifies the response JWTs of JWT-secured authorization
// responses (JWT Secured Authorization Response Mode for OAuth 2.0, JARM)
// sent to one client by one issuer, with the same algorithm allow-list
// and key handling as ID tokens. It implements [oauthkit.JARMVerifier]:
// set it as [oauthkit.Config.JARMVerifier] and ask for a JWT response
// mode with [oauthkit.WithResponseMode], and the session verifies the
// response before it checks state, iss and error and redeems the code.
//
// A JARMVerifier is safe for concurrent use by multiple goroutines.
type JARMVerifier struct {
	check   jwtCheck
	decrypt []*jose.Key
}

var _ oauthkit.JARMVerifier = (*JARMVerifier)(nil)

// NewJARMVerifier returns a verifier of the response JWTs that issuer
// sends clientID, signed by keys. An empty issuer, client id or nil keys
// make every verification fail. [Provider.JARMVerifier] builds one from
// discovery.
func NewJARMVerifier(issuer, clientID string, keys jose.KeySource, cfg JARMConfig) *JARMVerifier {
	return &JARMVerifier{
		check:   newJWTCheck(issuer, clientID, keys, cfg.Algorithms, cfg.Now, cfg.Leeway, cfg.IssuerValidator),
		decrypt: slices.Clone(cfg.DecryptionKeys),
	}
}

// JARMVerifier returns a verifier of the response JWTs the provider sends
// clientID, with the provider's keys, clock, leeway and issuer validator,
// and the algorithms of authorization_signing_alg_values_supported (RS256
// plus the asymmetric ones listed). decryptionKeys open encrypted
// responses.
func (p *Provider) JARMVerifier(clientID string, decryptionKeys ...*jose.Key) *JARMVerifier {
	return NewJARMVerifier(p.meta.Issuer, clientID, p.keys, JARMConfig{
		Algorithms:      defaultAlgorithms(p.meta.AuthorizationSigningAlgs),
		DecryptionKeys:  decryptionKeys,
		Now:             p.cfg.Now,
		Leeway:          p.cfg.Leeway,
		IssuerValidator: p.cfg.IssuerValidator,
	})
}

// VerifyResponseJWT verifies the response parameter of a JWT-secured
// authorization response as JARM section 4.4 says, and returns the
// response parameters it carries (code, state, iss, error, ...; not aud,
// exp and iat). It decrypts an encrypted response first, then checks,
// each with its own error:
//   - the signature, under the allow-list ([ErrInvalidSignature]);
//   - that iss, aud and exp are present ([ErrMissingClaim]);
//   - iss equals the issuer ([ErrInvalidIssuer]);
//   - aud contains the client id ([ErrInvalidAudience]);
//   - exp, with the leeway ([ErrResponseExpired]).
//
// It does not check state, iss against the session's issuer or error:
// the session does that, as for a plain response.
func (v *JARMVerifier) VerifyResponseJWT(ctx context.Context, response string) (url.Values, error) {
	raw := response
	if jose.IsEncrypted(raw) {
		if len(v.decrypt) == 0 {
			return nil, fmt.Errorf("%w: encrypted response jwt and no decryption key", ErrResponseDecryption)
		}
		b, err := jose.Decrypt(raw, v.decrypt, jose.DecryptOptions{})
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrResponseDecryption, err)
		}
		raw = string(b)
	}
	vt, err := v.check.verify(ctx, raw, "response jwt")
	if err != nil {
		return nil, err
	}
	c, params, err := parseJARMClaims(vt.Payload)
	if err != nil {
		return nil, err
	}
	if err := v.check.checkIssuerAudience(c.Iss, c.Aud, vt.Payload); err != nil {
		return nil, err
	}
	if now := v.check.now(); now.After(c.Exp.time().Add(v.check.leeway)) {
		return nil, fmt.Errorf("%w: expired at %s, now %s", ErrResponseExpired, stamp(c.Exp.time()), stamp(now))
	}
	return params, nil
}

// jarmClaims are the claims JARM section 2.1 requires.
type jarmClaims struct {
	Iss string      `json:"iss"`
	Aud audience    `json:"aud"`
	Exp numericDate `json:"exp"`
}

// parseJARMClaims decodes the claims of a response JWT and the response
// parameters among them: strings as they are, numbers in decimal,
// booleans as text. Other types are malformed.
func parseJARMClaims(payload []byte) (*jarmClaims, url.Values, error) {
	var c jarmClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return nil, nil, fmt.Errorf("%w: response jwt: %v", ErrMalformedClaims, err)
	}
	for name, ok := range map[string]bool{"iss": c.Iss != "", "aud": len(c.Aud) > 0, "exp": c.Exp.set} {
		if !ok {
			return nil, nil, fmt.Errorf("%w: response jwt: %s", ErrMissingClaim, name)
		}
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var all map[string]any
	if err := dec.Decode(&all); err != nil {
		return nil, nil, fmt.Errorf("%w: response jwt: %v", ErrMalformedClaims, err)
	}
	params := make(url.Values, len(all))
	for k, x := range all {
		switch k {
		case "aud", "exp", "iat", "nbf", "jti":
			continue
		}
		switch x := x.(type) {
		case string:
			params.Set(k, x)
		case json.Number:
			params.Set(k, x.String())
		case bool:
			params.Set(k, strconv.FormatBool(x))
		default:
			return nil, nil, fmt.Errorf("%w: response jwt: member %q is not a string or number", ErrMalformedClaims, k)
		}
	}
	return &c, params, nil
}

// frontChannelConfig fills the pushed authorization request endpoint, the
// PAR requirement and the JARM verifier of a session configuration.
func (p *Provider) frontChannelConfig(c *oauthkit.Config) {
	setIfEmpty(&c.PushedAuthURL, p.meta.PushedAuthorizationRequestEndpoint)
	c.RequirePushedAuth = c.RequirePushedAuth || (p.meta.RequirePushedAuthorizationRequests && c.PushedAuthURL != "")
	if c.JARMVerifier == nil {
		c.JARMVerifier = p.JARMVerifier(c.ClientID)
	}
}
