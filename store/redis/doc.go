// Package redis is an [oauthkit.TokenStore] in Redis, for replicas of a
// service on many machines that share one client and one token: one
// refresh (or one client-credentials fetch) per expiry for all of them.
//
// It uses github.com/redis/go-redis/v9 and works with Redis 7 or later.
// Each token has three names under [Options.Prefix], with the client ID
// and token name escaped inside a hash tag:
//
//	oauthkit:{client%2Fid/default}:token   a hash: the token ("tok") and its fingerprint ("fp")
//	oauthkit:{client%2Fid/default}:lease   the refresh lease: SET NX PX, holding the fence
//	oauthkit:{client%2Fid/default}:events  a pub/sub channel that wakes waiters
//
// The lease is taken with SET NX PX and expires by itself if its holder
// dies. Save and Release are Lua scripts that check the fence before
// they write, atomically, and publish on the events channel; waiters
// subscribe to it and also wake at the lease's expiry (read with PTTL),
// so nobody polls.
//
// # Secrets
//
// Anyone who can read the Redis database can read the tokens. Set
// [Options.Key] to encrypt them with AES-GCM (recommended); the stored
// fingerprint is a SHA-256 of the random access and refresh tokens and
// reveals neither.
//
// # Persistence, Sentinel and Cluster
//
// Run Redis with persistence (appendonly yes): after a restart that lost
// the data, the first holder finds no stored token and refreshes with
// the one it has in memory, which may be older than the last one saved.
// While Redis cannot be reached, sessions keep using their valid cached
// tokens and report [oauthkit.ErrStoreUnavailable] when one needs
// renewing; they never refresh without the lease.
//
// With Redis Cluster, the hash tag puts a token's keys in one slot, so
// the scripts run on one node; the events channel uses classic pub/sub,
// which Cluster broadcasts to every node. With Sentinel (or a Cluster
// failover), replication is asynchronous: a failover can lose a lease,
// letting a second holder refresh, or lose a token saved just before,
// so that the next refresh presents a rotated refresh token. Both are
// rare; a provider with refresh-token reuse detection would then revoke
// the grant. Use go-redis's NewFailoverClient or NewClusterClient as the
// client: the store takes any [goredis.UniversalClient].
package redis
