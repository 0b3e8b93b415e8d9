package jose_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log"

	"github.com/oauthkit/oauthkit/jose"
)

// Sign a JWT with a private key, publish the public key as a JWK Set and
// verify the token against it with an explicit algorithm allow-list.
func ExampleSign() {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	key, err := jose.NewKey(priv, "key-1", jose.ES256)
	if err != nil {
		log.Fatal(err)
	}
	token, err := jose.Sign(key, "", map[string]any{"typ": "JWT"},
		map[string]any{"iss": "https://issuer.example", "sub": "alice"})
	if err != nil {
		log.Fatal(err)
	}

	// What an issuer serves at its jwks_uri: public keys only.
	jwks, err := json.Marshal(jose.KeySet{Keys: []*jose.Key{key}})
	if err != nil {
		log.Fatal(err)
	}
	set, err := jose.ParseJWKS(jwks)
	if err != nil {
		log.Fatal(err)
	}

	v, err := jose.Verify(context.Background(), token, set, jose.VerifyOptions{Algorithms: []string{jose.ES256}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(v.Header.Algorithm, v.Header.KeyID, v.Header.Type)
	fmt.Println(string(v.Payload))

	// The default allow-list is RS256 only.
	_, err = jose.Verify(context.Background(), token, set, jose.VerifyOptions{})
	fmt.Println(errors.Is(err, jose.ErrAlgorithmNotAllowed))
	// Output:
	// ES256 key-1 JWT
	// {"iss":"https://issuer.example","sub":"alice"}
	// true
}

// Load a private key from PEM; printing a key never shows its material.
func ExampleParsePrivateKeyPEM() {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		log.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		log.Fatal(err)
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})

	key, err := jose.ParsePrivateKeyPEM(data)
	if err != nil {
		log.Fatal(err)
	}
	key.KeyID = "signing-key"
	fmt.Println(key)
	fmt.Println(key.Public())
	// Output:
	// jose.Key{kid="signing-key", kty=EC P-256, private}
	// jose.Key{kid="signing-key", kty=EC P-256, public}
}
