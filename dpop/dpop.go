package dpop

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/oauthkit/oauthkit/jose"
)

// Header names of RFC 9449 sections 4.1 and 8.
const (
	// HeaderProof is the request header that carries a proof.
	HeaderProof = "DPoP"
	// HeaderNonce is the response header that carries a server nonce.
	HeaderNonce = "DPoP-Nonce"
)

// Scheme is the authorization scheme of DPoP-bound access tokens (RFC 9449
// section 7.1) and the token_type the token endpoint answers with (section
// 5).
const Scheme = "DPoP"

// proofType is the "typ" of a proof (RFC 9449 section 4.2).
const proofType = "dpop+jwt"

// ErrInvalidKey is wrapped by [New] for a key that cannot sign proofs: a
// public key, a symmetric secret, or a key that does not fit the
// algorithm.
var ErrInvalidKey = errors.New("dpop: invalid key")

// Config configures a [Prover]. Every zero value is a safe default.
type Config struct {
	// Key is the private key that signs the proofs: P-256, P-384 or P-521
	// ECDSA, Ed25519 or RSA. Nil: New generates a P-256 key for ES256,
	// which lives as long as the Prover.
	Key *jose.Key
	// Algorithm is the proofs' "alg". Zero: Key.Algorithm when set, else
	// ES256, ES384 or ES512 by curve, EdDSA for Ed25519, PS256 for RSA.
	Algorithm string
	// Now is the clock of "iat". Nil: [time.Now].
	Now func() time.Time
}

// Prover signs DPoP proofs with one key and caches server nonces, one per
// origin. A Prover is safe for concurrent use by multiple goroutines.
type Prover struct {
	signer *jose.Signer
	pub    *jose.Key
	jkt    string
	now    func() time.Time
	nonces nonceCache
}

// New returns a Prover for c, generating a P-256 key when c.Key is nil.
func New(c Config) (*Prover, error) {
	key := c.Key
	if key == nil {
		var err error
		if key, err = GenerateKey(); err != nil {
			return nil, err
		}
	}
	alg := c.Algorithm
	if alg == "" {
		alg = defaultAlgorithm(key)
	}
	if strings.HasPrefix(alg, "HS") {
		return nil, fmt.Errorf("%w: %s is symmetric (RFC 9449 section 4.2)", ErrInvalidKey, alg)
	}
	if !key.IsPrivate() {
		return nil, fmt.Errorf("%w: signing proofs needs a private key", ErrInvalidKey)
	}
	jwk, err := key.PublicJWK()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	// No "kid": the key travels in "jwk" itself.
	bare := *key
	bare.KeyID = ""
	signer, err := jose.NewSigner(&bare, alg, map[string]any{"typ": proofType, "jwk": json.RawMessage(jwk)})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	jkt, err := key.Thumbprint()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidKey, err)
	}
	p := &Prover{signer: signer, pub: key.Public(), jkt: jkt, now: c.Now}
	if p.now == nil {
		p.now = time.Now
	}
	return p, nil
}

// defaultAlgorithm picks the proof algorithm of a key: its own, else the
// curve's ECDSA algorithm, EdDSA, or PS256 for RSA.
func defaultAlgorithm(k *jose.Key) string {
	if k.Algorithm != "" {
		return k.Algorithm
	}
	switch k.Key.(type) {
	case *rsa.PrivateKey, *rsa.PublicKey:
		return jose.PS256
	}
	return jose.DefaultAlgorithm(k.Key)
}

// GenerateKey returns a new P-256 key for ES256, the default proof key.
// Save it (its JSON form is a private JWK) to keep using tokens bound to
// it.
func GenerateKey() (*jose.Key, error) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("dpop: generating key: %w", err)
	}
	return jose.NewKey(ec, "", jose.ES256)
}

// claims are the claims of a proof (RFC 9449 section 4.2).
type claims struct {
	JTI   string `json:"jti"`
	HTM   string `json:"htm"`
	HTU   string `json:"htu"`
	IAT   int64  `json:"iat"`
	ATH   string `json:"ath,omitempty"`
	Nonce string `json:"nonce,omitempty"`
}

// Proof returns a proof for a request with method to u, with the nonce
// cached for u's origin, if any. accessToken is the access token the
// request carries, hashed into "ath"; empty for token requests.
func (p *Prover) Proof(method string, u *url.URL, accessToken string) (string, error) {
	return p.ProofWithNonce(method, u, accessToken, p.nonces.get(u))
}

// ProofWithNonce is [Prover.Proof] with the given nonce ("" for none)
// instead of the cached one.
func (p *Prover) ProofWithNonce(method string, u *url.URL, accessToken, nonce string) (string, error) {
	if u == nil || u.Scheme == "" || u.Host == "" {
		return "", errors.New("dpop: proof needs an absolute url")
	}
	if method == "" {
		method = http.MethodGet // net/http's reading of an empty method
	}
	c := claims{JTI: rand.Text(), HTM: method, HTU: TargetURI(u), IAT: p.now().Unix(), Nonce: nonce}
	if accessToken != "" {
		c.ATH = AccessTokenHash(accessToken)
	}
	proof, err := p.signer.Sign(&c)
	if err != nil {
		return "", fmt.Errorf("dpop: signing proof: %w", err)
	}
	return proof, nil
}

// TargetURI returns the "htu" of a request to u (RFC 9449 section 4.2):
// the URL without query and fragment, scheme and host lowercased, without
// the scheme's default port, an empty path as "/" (RFC 3986 sections
// 6.2.2 and 6.2.3, the normalisation servers apply before they compare).
func TargetURI(u *url.URL) string {
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	scheme := strings.ToLower(u.Scheme)
	return scheme + "://" + authority(scheme, u.Host) + path
}

// authority returns host (a URL's host and port) lowercased and without
// an empty port or the default port of scheme, a lowercased scheme.
func authority(scheme, host string) string {
	host = strings.ToLower(host)
	switch {
	case strings.HasSuffix(host, ":"):
		return host[:len(host)-1]
	case scheme == "https" && strings.HasSuffix(host, ":443"):
		return host[:len(host)-len(":443")]
	case scheme == "http" && strings.HasSuffix(host, ":80"):
		return host[:len(host)-len(":80")]
	}
	return host
}

// AccessTokenHash returns the "ath" of an access token: the base64url
// SHA-256 hash of its ASCII bytes (RFC 9449 section 4.2).
func AccessTokenHash(accessToken string) string {
	sum := sha256.Sum256([]byte(accessToken))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// Thumbprint returns the JWK SHA-256 thumbprint of the prover's public key
// (RFC 7638): the "jkt" a bound token's cnf claim holds and the value of
// the dpop_jkt authorization request parameter (RFC 9449 section 10).
func (p *Prover) Thumbprint() string { return p.jkt }

// PublicKey returns the prover's public key.
func (p *Prover) PublicKey() *jose.Key {
	c := *p.pub
	return &c
}

// Algorithm returns the proofs' signature algorithm, such as "ES256".
func (p *Prover) Algorithm() string { return p.signer.Algorithm() }

// String describes the prover without key material.
func (p *Prover) String() string {
	return fmt.Sprintf("dpop.Prover{alg=%s, jkt=%s}", p.Algorithm(), p.jkt)
}
