package oidc

import (
	"context"
	"fmt"

	"github.com/oauthkit/oauthkit/jose"
)

// RequestObjectEncryptionKey returns the provider's public key to encrypt
// request objects to (RFC 9101 section 6.1), for
// [oauthkit.RequestObjectConfig.EncryptionKey]: the first key of its JWK
// Set meant for encryption ("use" "enc") whose algorithm is one of the
// metadata's request_object_encryption_alg_values_supported. It fails
// with [ErrInvalidMetadata] when the provider lists no such algorithm,
// and with [jose.ErrNoMatchingKey] when its keys hold none.
func (p *Provider) RequestObjectEncryptionKey(ctx context.Context) (*jose.Key, error) {
	algs := p.meta.RequestObjectEncryptionAlgs
	if len(algs) == 0 {
		return nil, fmt.Errorf("%w: no request_object_encryption_alg_values_supported", ErrInvalidMetadata)
	}
	var keys []*jose.Key
	switch ks := p.keys.(type) {
	case interface {
		Keys(context.Context) ([]*jose.Key, error)
	}:
		var err error
		if keys, err = ks.Keys(ctx); err != nil {
			return nil, fmt.Errorf("oidc: encryption key: %w", err)
		}
	case *jose.KeySet:
		keys = ks.Keys
	}
	k, err := jose.SelectEncryptionKey(keys, algs)
	if err != nil {
		return nil, fmt.Errorf("oidc: encryption key: %w", err)
	}
	return k, nil
}
