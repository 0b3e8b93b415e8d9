package jose

import (
	"crypto"
	_ "crypto/sha256" // registers SHA-256 for the thumbprint
	"encoding/base64"

	gojose "github.com/go-jose/go-jose/v4"
)

// Thumbprint returns the JWK SHA-256 thumbprint of k's public key (RFC
// 7638, https://www.rfc-editor.org/rfc/rfc7638), base64url-encoded without
// padding: the value of DPoP's "jkt" (RFC 9449 section 6) and of
// "dpop_jkt". The key's metadata ("kid", "alg", "use") does not enter it,
// and a private key has the thumbprint of its public half. A symmetric
// secret has none: it is [ErrUnsupportedKeyType].
func (k *Key) Thumbprint() (string, error) {
	pub := k.Public()
	if pub == nil {
		return "", errorf(ErrUnsupportedKeyType, "no public key to take a thumbprint of")
	}
	jwk := gojose.JSONWebKey{Key: pub.Key}
	sum, err := jwk.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", errorf(ErrUnsupportedKeyType, "%v", err)
	}
	return base64.RawURLEncoding.EncodeToString(sum), nil
}

// PublicJWK returns the public members of k's key as a JWK object ("kty"
// and the key's parameters, such as "crv", "x" and "y"), without "kid",
// "alg" or "use": the form embedded in a DPoP proof header (RFC 9449
// section 4.2). A symmetric secret has none: it is
// [ErrUnsupportedKeyType].
func (k *Key) PublicJWK() ([]byte, error) {
	pub := k.Public()
	if pub == nil {
		return nil, errorf(ErrUnsupportedKeyType, "no public key")
	}
	return Key{Key: pub.Key}.MarshalJSON()
}
