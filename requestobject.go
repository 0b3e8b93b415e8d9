package oauthkit

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/oauthkit/oauthkit/jose"
)

// requestObjectType is the "typ" of request objects (RFC 9101 section
// 10.8).
const requestObjectType = "oauth-authz-req+jwt"

// defaultRequestObjectLifetime keeps request objects short-lived.
const defaultRequestObjectLifetime = 5 * time.Minute

// RequestObjectConfig says how the session signs, and optionally
// encrypts, request objects: authorization request parameters carried in a
// JWT (RFC 9101, "JAR"). Set [Config.RequestObject] to send every request
// that way, or use [WithRequestObject] for one. Every zero value is a safe
// default.
type RequestObjectConfig struct {
	// Key signs request objects. Nil: [Config.ClientKey]; when that is
	// nil too, the client secret with HMAC, as client_secret_jwt does.
	Key *jose.Key
	// Algorithm is the signing algorithm. Zero: the key's algorithm or its
	// type's default (RS256, ES256, EdDSA, ...); HS256 for the secret.
	Algorithm string
	// Audience is the aud claim. Zero: [Config.Issuer], as RFC 9101
	// section 4 asks, or [Config.AuthURL] when no issuer is configured.
	Audience string
	// Lifetime is how long a request object is valid, from nbf to exp.
	// Zero: 5 minutes.
	Lifetime time.Duration
	// EncryptionKey, when set, is the server's public encryption key: the
	// signed object is then encrypted to it as a nested JWT (RFC 9101
	// section 6.1). oidc's Provider.RequestObjectEncryptionKey finds it in
	// the provider's JWK Set. Nil: request objects are signed only, and
	// their parameters are readable by anyone who sees the URL (pushed
	// requests never go through the browser).
	EncryptionKey *jose.Key
	// EncryptionAlgorithm is the key management algorithm ("alg"). Zero:
	// the key's algorithm, else RSA-OAEP-256 or ECDH-ES by key type.
	EncryptionAlgorithm string
	// ContentEncryption is the content encryption algorithm ("enc").
	// Zero: A128CBC-HS256, the OpenID Connect default.
	ContentEncryption string
}

// WithRequestObject sends this authorization request's parameters in a
// signed request object (RFC 9101), as [Config.RequestObject] does for
// every request; without that field, the defaults of
// [RequestObjectConfig] apply.
func WithRequestObject() AuthURLOption {
	return authURLFunc(func(p *authURLParams) { p.requestObject = true })
}

// requestObject returns the signed (and maybe encrypted) request object
// holding params, with the claims of RFC 9101 section 4: iss and
// client_id (the client), aud, iat, nbf, exp and a unique jti.
func (s *Session) requestObject(params url.Values) (string, error) {
	var rc RequestObjectConfig
	if s.cfg.RequestObject != nil {
		rc = *s.cfg.RequestObject
	}
	key, alg, err := s.requestObjectKey(rc)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrRequestObject, err)
	}
	now := s.now()
	claims := requestClaims(params)
	claims["iss"] = s.cfg.ClientID
	claims["client_id"] = s.cfg.ClientID
	claims["aud"] = cmpOr(rc.Audience, cmpOr(s.cfg.Issuer, s.cfg.AuthURL))
	claims["jti"] = rand.Text()
	claims["iat"] = now.Unix()
	claims["nbf"] = now.Unix()
	claims["exp"] = now.Add(cmpDur(rc.Lifetime, defaultRequestObjectLifetime)).Unix()
	jwt, err := jose.Sign(key, alg, map[string]any{"typ": requestObjectType}, claims)
	if err != nil {
		return "", fmt.Errorf("%w: signing: %w", ErrRequestObject, err)
	}
	if rc.EncryptionKey == nil {
		return jwt, nil
	}
	jwe, err := jose.Encrypt(rc.EncryptionKey, rc.EncryptionAlgorithm, rc.ContentEncryption,
		map[string]any{"cty": "JWT"}, []byte(jwt))
	if err != nil {
		return "", fmt.Errorf("%w: encrypting: %w", ErrRequestObject, err)
	}
	return jwe, nil
}

// requestObjectKey picks the signing key: the configured one, the client
// key, or the client secret.
func (s *Session) requestObjectKey(rc RequestObjectConfig) (*jose.Key, string, error) {
	key := rc.Key
	if key == nil {
		key = s.cfg.ClientKey
	}
	if key != nil {
		if !key.IsPrivate() {
			return nil, "", fmt.Errorf("signing needs a private key, got %v", key)
		}
		return key, rc.Algorithm, nil
	}
	if s.cfg.ClientSecret == "" {
		return nil, "", fmt.Errorf("no RequestObject.Key, ClientKey or ClientSecret to sign with")
	}
	alg := cmpOr(rc.Algorithm, jose.HS256)
	k, err := jose.NewKey([]byte(s.cfg.ClientSecret), "", alg)
	if err != nil {
		return nil, "", fmt.Errorf("client secret as %s key: %w", alg, err)
	}
	return k, alg, nil
}

// requestClaims turns request parameters into claims: strings, arrays for
// repeated parameters (resource, RFC 8707), a number for max_age and the
// JSON object of claims (OpenID Connect Core sections 5.5 and 6.1).
func requestClaims(params url.Values) map[string]any {
	claims := make(map[string]any, len(params)+7)
	for k, vs := range params {
		switch {
		case len(vs) == 0:
		case len(vs) > 1:
			claims[k] = vs
		case k == "max_age":
			if n, err := strconv.ParseInt(vs[0], 10, 64); err == nil {
				claims[k] = n
				continue
			}
			claims[k] = vs[0]
		case k == "claims" && json.Valid([]byte(vs[0])):
			claims[k] = json.RawMessage(vs[0])
		default:
			claims[k] = vs[0]
		}
	}
	return claims
}

// frontChannelParams is what travels next to a request object: the query
// of the authorization endpoint URL and the parameters RFC 9101 section 5
// and OpenID Connect Core section 6.1 want outside it, client_id and, for
// an OpenID request, response_type and scope.
func frontChannelParams(base, params url.Values) url.Values {
	base.Set("client_id", params.Get("client_id"))
	if hasWord(params.Get("scope"), "openid") {
		base.Set("response_type", params.Get("response_type"))
		base.Set("scope", params.Get("scope"))
	}
	return base
}
