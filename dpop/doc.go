// Package dpop makes DPoP proofs (RFC 9449): JWTs that prove the client
// holds a private key, sent in the DPoP header of every token request and
// every request with a DPoP-bound access token, so that a token that leaks
// is useless without the key.
//
// A [Prover] holds the key, signs proofs and remembers the nonces servers
// hand out (the DPoP-Nonce header), one per origin. The oauthkit session
// uses one when [oauthkit.Config] has DPoP set: it adds proofs to token
// requests and to protected requests, sends DPoP-bound tokens as
// "Authorization: DPoP <token>", and retries once when a server asks for a
// nonce. Use the package directly to add proofs to requests the session
// does not make.
//
// # Proofs
//
// Each proof is a JWT with the header members "typ" ("dpop+jwt"), "alg" and
// "jwk" (the public key), and the claims "jti" (random, unique per proof),
// "htm" (the request method), "htu" (the request URL without query and
// fragment, scheme and host lowercased, without the default port), "iat", and, when known, "nonce" and "ath" (the SHA-256 hash of
// the access token the request carries). The key is parsed and the header
// encoded once per Prover; a proof costs one signature.
//
// # Keys
//
// ES256 on P-256 is the default, with a new key generated for each
// Prover when none is given; Ed25519 (EdDSA), the other NIST curves and RSA
// (PS256 unless the key says otherwise) are accepted. Symmetric keys are
// refused (RFC 9449 section 4.2). A token bound to a generated key can be
// used only by the Prover that made the key: to keep a bound token across
// restarts, generate the key with [GenerateKey], save it, and give it in
// [Config.Key].
//
// # Concurrency
//
// A Prover is safe for concurrent use by multiple goroutines.
//
// # RFCs
//
//   - RFC 9449, OAuth 2.0 Demonstrating Proof of Possession (DPoP):
//     https://www.rfc-editor.org/rfc/rfc9449
//   - RFC 7638, JSON Web Key (JWK) Thumbprint:
//     https://www.rfc-editor.org/rfc/rfc7638
package dpop
