package oauthkit

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"maps"
	"time"

	"github.com/oauthkit/oauthkit/jose"
)

// clientAssertionType is the client_assertion_type of RFC 7523 section 2.2.
const clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// defaultAssertionLifetime keeps client assertions short-lived.
const defaultAssertionLifetime = 2 * time.Minute

// JWTAuth authenticates the client with a signed JWT (RFC 7523 section
// 2.2, OpenID Connect Core section 9): client_secret_jwt when Key is nil
// (an HMAC over the client secret), private_key_jwt otherwise. Each
// request gets a fresh assertion with iss = sub = the client id, aud = the
// token endpoint, a unique jti (unless Claims gives one), iat and a short
// exp.
//
// Select it by name with [Config.AuthMethod] ([ClientSecretJWT] or
// [PrivateKeyJWT] with [Config.ClientKey]), or register or pass a
// configured value. A JWTAuth must not be changed once in use; it is then
// safe for concurrent use.
type JWTAuth struct {
	// Key signs the assertion (private_key_jwt). Nil: the client secret
	// signs it with HMAC (client_secret_jwt).
	Key *jose.Key
	// Algorithm is the signing algorithm. Zero: HS256 for the client
	// secret, else the key's algorithm or its type's default (RS256,
	// ES256, EdDSA, ...).
	Algorithm string
	// Audience is the aud claim. Zero: the token endpoint URL.
	Audience string
	// Lifetime is how long an assertion is valid. Zero: 2 minutes.
	Lifetime time.Duration
	// Header adds members to the JWS header.
	Header map[string]any
	// Claims adds claims to the assertion. A "jti" given here is kept, as
	// Authlib keeps it; a server that detects replays then refuses the
	// second request with it. Without one, each assertion gets a random
	// jti.
	Claims map[string]any
	// Now is the clock. Nil: time.Now.
	Now func() time.Time
}

// AuthenticateClient adds client_assertion_type, client_assertion and
// client_id to the form.
func (a *JWTAuth) AuthenticateClient(_ context.Context, r *ClientAuthRequest) error {
	key, alg, err := a.signingKey(r.ClientSecret)
	if err != nil {
		return err
	}
	now := time.Now()
	if a.Now != nil {
		now = a.Now()
	}
	claims := maps.Clone(a.Claims)
	if claims == nil {
		claims = make(map[string]any, 6)
	}
	claims["iss"] = r.ClientID
	claims["sub"] = r.ClientID
	claims["aud"] = cmpOr(a.Audience, r.TokenURL)
	if _, ok := claims["jti"]; !ok {
		claims["jti"] = rand.Text()
	}
	claims["iat"] = now.Unix()
	claims["exp"] = now.Add(cmpDur(a.Lifetime, defaultAssertionLifetime)).Unix()
	jwt, err := jose.Sign(key, alg, a.Header, claims)
	if err != nil {
		return fmt.Errorf("signing client assertion: %w", err)
	}
	r.Form.Set("client_id", r.ClientID)
	r.Form.Set("client_assertion_type", clientAssertionType)
	r.Form.Set("client_assertion", jwt)
	return nil
}

func (a *JWTAuth) signingKey(secret string) (*jose.Key, string, error) {
	if a.Key != nil {
		if !a.Key.IsPrivate() {
			return nil, "", errors.New("private_key_jwt needs a private key")
		}
		alg, err := a.Key.SigningAlgorithm(a.Algorithm)
		if err != nil {
			return nil, "", fmt.Errorf("client key: %w", err)
		}
		return a.Key, alg, nil
	}
	if secret == "" {
		return nil, "", errors.New("client_secret_jwt needs a client secret")
	}
	alg := cmpOr(a.Algorithm, jose.HS256)
	key, err := jose.NewKey([]byte(secret), "", alg)
	if err != nil {
		return nil, "", fmt.Errorf("client secret as %s key: %w", alg, err)
	}
	return key, alg, nil
}

// jwtAuth builds client_secret_jwt and private_key_jwt from the config.
// The key (or the secret) must be able to sign with ClientAssertionAlg,
// so that a mismatch is a config error rather than a failure of the first
// token request.
func (c *Config) jwtAuth(name string) (ClientAuth, error) {
	a := &JWTAuth{Algorithm: c.ClientAssertionAlg, Audience: c.ClientAssertionAudience, Now: c.Now}
	switch name {
	case PrivateKeyJWT:
		if c.ClientKey == nil || !c.ClientKey.IsPrivate() {
			return nil, fmt.Errorf("%w: auth method %q needs a private ClientKey", ErrInvalidConfig, name)
		}
		a.Key = c.ClientKey
	case ClientSecretJWT:
		if c.ClientSecret == "" {
			return nil, fmt.Errorf("%w: auth method %q needs a ClientSecret", ErrInvalidConfig, name)
		}
	}
	if _, _, err := a.signingKey(c.ClientSecret); err != nil {
		return nil, fmt.Errorf("%w: auth method %q: %w", ErrInvalidConfig, name, err)
	}
	return a, nil
}
