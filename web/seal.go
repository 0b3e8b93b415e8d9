package web

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

// minKeyLen is the shortest key a Sealer accepts: 128 bits.
const minKeyLen = 16

// A Sealer seals small values, such as cookie values, with AES-256-GCM:
// what it seals can be read and changed by no one without one of its
// keys, and a sealed value opens only under the name it was sealed for,
// so that one cookie's value cannot be passed off as another's.
//
// Keys are listed newest first: the first seals, every one opens. To
// rotate, put a new key first and keep the old ones until every value
// they sealed has expired. The AES keys are derived from each key with
// HKDF-SHA256 and the purpose, so the same secret can serve several
// purposes without one's values opening as another's.
//
// A Sealer is safe for concurrent use by multiple goroutines.
type Sealer struct {
	aeads []cipher.AEAD // keys[0] first
}

// NewSealer returns a Sealer for purpose (a fixed label, such as
// "session") with keys, newest first; each key must have at least 16
// bytes of crypto/rand output (32 recommended). The keys are not kept.
func NewSealer(purpose string, keys ...[]byte) (*Sealer, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: no sealing key", ErrInvalidConfig)
	}
	s := &Sealer{}
	for i, k := range keys {
		if len(k) < minKeyLen {
			return nil, fmt.Errorf("%w: sealing key %d has %d bytes, want at least %d", ErrInvalidConfig, i, len(k), minKeyLen)
		}
		aead, err := newAEAD(purpose, k)
		if err != nil {
			return nil, err
		}
		s.aeads = append(s.aeads, aead)
	}
	return s, nil
}

func newAEAD(purpose string, key []byte) (cipher.AEAD, error) {
	k, err := hkdf.Key(sha256.New, key, nil, "oauthkit/web "+purpose, 32)
	if err != nil {
		return nil, fmt.Errorf("web: deriving the sealing key: %w", err)
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, fmt.Errorf("web: sealing key: %w", err)
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, fmt.Errorf("web: sealing key: %w", err)
	}
	return aead, nil
}

// Seal encrypts and authenticates plaintext for name with the newest key
// and returns it in unpadded base64url, fit for a cookie value.
func (s *Sealer) Seal(name string, plaintext []byte) string {
	return base64.RawURLEncoding.EncodeToString(s.aeads[0].Seal(nil, nil, plaintext, []byte(name)))
}

// Open returns the plaintext that Seal sealed for name, trying each key.
// It returns [ErrTampered] for anything else: another name, a changed or
// truncated value, a key that has been removed.
func (s *Sealer) Open(name, sealed string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil {
		return nil, fmt.Errorf("%w: not base64url", ErrTampered)
	}
	for _, aead := range s.aeads {
		if p, err := aead.Open(nil, nil, b, []byte(name)); err == nil {
			return p, nil
		}
	}
	return nil, fmt.Errorf("%w: no key opens it", ErrTampered)
}
