// Package sealed encodes tokens for the stores: JSON, optionally sealed
// with AES-GCM under a caller's key, and the fingerprints and fences the
// stores compare.
package sealed

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/oauthkit/oauthkit"
)

// marker names the sealed envelope's version; a stored value is sealed
// when it is a JSON object with this member and no access_token (see
// isSealed).
const marker = "oauthkit_sealed"

// Errors of decoding, wrapped with detail.
var (
	// ErrKey means the key is not 16, 24 or 32 bytes long.
	ErrKey = errors.New("encryption key must be 16, 24 or 32 bytes")
	// ErrSealed means a sealed token was found and no key was given.
	ErrSealed = errors.New("stored token is encrypted and no key was given")
	// ErrNotSealed means a plain token was found and a key was given.
	ErrNotSealed = errors.New("stored token is not encrypted and a key was given")
	// ErrOpen means a sealed token did not decrypt: wrong key, another
	// token's ciphertext, or tampering.
	ErrOpen = errors.New("stored token does not decrypt with the key")
)

// Codec turns tokens into stored bytes and back.
type Codec struct {
	aead cipher.AEAD // nil: plain JSON
	aad  []byte      // binds a ciphertext to where it is stored
}

// envelope is the stored form of a sealed token.
type envelope struct {
	Version string `json:"oauthkit_sealed"`
	Data    []byte `json:"data"` // nonce followed by the ciphertext
}

// NewCodec returns a codec that seals with key (AES-GCM), or stores plain
// JSON when key is empty. aad names the place the token is stored, so a
// ciphertext copied elsewhere does not decrypt.
func NewCodec(key []byte, aad string) (*Codec, error) {
	c := &Codec{aad: []byte(aad)}
	if len(key) == 0 {
		return c, nil
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%w (got %d)", ErrKey, len(key))
	}
	c.aead, err = cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("aes-gcm: %w", err)
	}
	return c, nil
}

// Encode returns the stored form of tok.
func (c *Codec) Encode(tok *oauthkit.Token) ([]byte, error) {
	plain, err := json.Marshal(tok)
	if err != nil {
		return nil, fmt.Errorf("encode token: %w", err)
	}
	if c.aead == nil {
		return plain, nil
	}
	nonce := make([]byte, c.aead.NonceSize())
	rand.Read(nonce)
	data := c.aead.Seal(nonce, nonce, plain, c.aad)
	return json.Marshal(envelope{Version: "v1", Data: data})
}

// Decode returns the token b holds.
func (c *Codec) Decode(b []byte) (*oauthkit.Token, error) {
	sealed := isSealed(b)
	switch {
	case sealed && c.aead == nil:
		return nil, ErrSealed
	case !sealed && c.aead != nil:
		return nil, ErrNotSealed
	case sealed:
		plain, err := c.open(b)
		if err != nil {
			return nil, err
		}
		b = plain
	}
	var tok oauthkit.Token
	if err := json.Unmarshal(b, &tok); err != nil {
		return nil, fmt.Errorf("decode token: %w", err)
	}
	if tok.AccessToken == "" {
		return nil, errors.New("decode token: no access_token")
	}
	return &tok, nil
}

// isSealed reports whether b is a sealed envelope: a JSON object with the
// marker member and without access_token, which every plain token has. A
// plain token keeps every member its server sent, so the marker's name
// may appear in one, as a value or even as a member.
func isSealed(b []byte) bool {
	var members map[string]json.RawMessage
	if json.Unmarshal(b, &members) != nil {
		return false
	}
	_, sealed := members[marker]
	_, plain := members["access_token"]
	return sealed && !plain
}

// open decrypts a sealed envelope.
func (c *Codec) open(b []byte) ([]byte, error) {
	var env envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, fmt.Errorf("%w: malformed envelope", ErrOpen)
	}
	if env.Version != "v1" {
		return nil, fmt.Errorf("unknown sealed token version %q", env.Version)
	}
	n := c.aead.NonceSize()
	if len(env.Data) < n {
		return nil, fmt.Errorf("%w: short envelope", ErrOpen)
	}
	plain, err := c.aead.Open(nil, env.Data[:n], env.Data[n:], c.aad)
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// Fingerprint identifies a token for compare-and-swap: the SHA-256 of its
// access and refresh tokens, which survive every encoding unchanged.
// Tokens are random, so the fingerprint reveals nothing usable. A nil
// token's fingerprint is empty.
func Fingerprint(tok *oauthkit.Token) string {
	if tok == nil {
		return ""
	}
	h := sha256.New()
	h.Write([]byte("oauthkit token fingerprint v1\x00"))
	h.Write([]byte(tok.AccessToken))
	h.Write([]byte{0})
	h.Write([]byte(tok.RefreshToken))
	return hex.EncodeToString(h.Sum(nil))
}

// Same reports whether a and b are the same token for compare-and-swap.
func Same(a, b *oauthkit.Token) bool {
	return Fingerprint(a) == Fingerprint(b)
}

// NewFence returns a fresh lease fence: 128 random bits.
func NewFence() string {
	return rand.Text()
}
