package jose

import "context"

// Keys returns every key of the set, fetching it first if needed, as
// [RemoteKeySet.KeysFor] does, but without selecting keys for a token: the
// result includes encryption keys ("use" "enc"), for
// [SelectEncryptionKey]. The slice and keys must not be modified.
func (r *RemoteKeySet) Keys(ctx context.Context) ([]*Key, error) {
	keys, _, err := r.current(ctx)
	return keys, err
}
