// Package jose loads keys, signs JSON Web Signatures and verifies them
// under an explicit policy, on top of github.com/go-jose/go-jose/v4.
//
// It serves the rest of oauthkit: client assertions for client_secret_jwt
// and private_key_jwt (RFC 7523 section 2.2), the JWT-bearer grant (RFC
// 7523 section 2.1), ID-token signature checks with a provider's remote
// JWK Set, and the test authorization server in oauthtest.
//
// # Keys
//
// A [Key] is a private key, public key or HMAC secret with its JWK
// metadata ("kid", "alg", "use"). Keys come from [NewKey], [ParsePrivateKeyPEM],
// [ParsePublicKeyPEM], [ParseJWK] and [ParseJWKS]. A [KeySet] is a static
// JWK Set; a [RemoteKeySet] fetches and caches one from a URL.
//
// # Signing and verifying
//
// [Sign] produces a compact JWS. [Verify] parses a compact JWS once, picks
// candidate keys from a [KeySource] and checks the signature with the
// standard library's crypto/rsa, crypto/ecdsa, crypto/ed25519 and
// crypto/hmac. [UnsafeDecode] reads a token without any check, for tools.
//
// # Encryption
//
// [Encrypt] and [Decrypt] produce and open compact JWEs (RFC 7516) with
// RSA-OAEP or ECDH-ES key management, for encrypted request objects and
// responses; [NewEncryptionKey] and [SelectEncryptionKey] find the key.
// Decrypt has its own algorithm allow-list, and RSA1_5 is refused unless a
// caller lists it. Decryption authenticates nothing: a nested JWT still
// goes through Verify.
//
// # Security
//
// Verify enforces, in this order: a well-formed compact JWS (the JSON
// serialization, multiple signatures and JWE are refused) whose header
// names each member once; an "alg" in the caller's allow-list, RS256 by
// default, and never "none"; no "crit" header, since no extension is
// understood; and a key whose type fits the algorithm, so that an HMAC
// algorithm is never checked with a public key and an asymmetric
// algorithm never with a secret. RSA keys shorter than 2048 bits neither
// sign nor verify unless the caller opts in ([Key.InsecureAllowWeakRSA],
// [VerifyOptions.InsecureAllowWeakRSA]). Keys are never taken from the
// token itself ("jku", "x5u", "x5c" and "jwk" are ignored). Verify checks
// signatures only: claims are the caller's to validate, decoded with
// [DecodeClaims] so that a claim given twice or under another case
// ("AUD") satisfies no check.
//
// Key material never appears in the output of String, GoString, fmt verbs
// or log/slog; [Key.MarshalJSON] does include private parts for a private
// key, so publish [Key.Public] or a [KeySet], whose JSON form is public
// only.
//
// # Concurrency
//
// All functions are safe for concurrent use. A [RemoteKeySet] is safe for
// concurrent use by multiple goroutines and performs at most one fetch at
// a time. A [Key] or [KeySet] must not be modified while in use.
//
// # RFCs
//
//   - RFC 7515, JSON Web Signature: https://www.rfc-editor.org/rfc/rfc7515
//   - RFC 7516, JSON Web Encryption: https://www.rfc-editor.org/rfc/rfc7516
//   - RFC 7517, JSON Web Key: https://www.rfc-editor.org/rfc/rfc7517
//   - RFC 7518, JSON Web Algorithms: https://www.rfc-editor.org/rfc/rfc7518
//   - RFC 8037, EdDSA for JOSE: https://www.rfc-editor.org/rfc/rfc8037
//   - RFC 8725, JWT Best Current Practices: https://www.rfc-editor.org/rfc/rfc8725
package jose
