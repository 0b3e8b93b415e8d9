// Package bench holds the benchmarks that compare oauthkit with
// golang.org/x/oauth2 and with a minimal hand-written floor, side by side
// in one `go test -bench` run. It has no API: everything lives in test
// files, and the benchmarks run only when -bench is given.
//
// The suites are:
//
//   - BenchmarkTransport: the per-request cost of the authenticating
//     [net/http.RoundTripper] over a canned base transport, with a valid
//     token.
//   - BenchmarkDPoP: the same request with a DPoP-bound token (a proof
//     per request) next to a bearer token, per key type, with the proof
//     and a bare signature alone.
//   - BenchmarkRefreshStorm: one thousand goroutines calling through the
//     transport while the token endpoint (a loopback server) takes 20 ms,
//     with the token expired or only due (inside the refresh leeway).
//   - BenchmarkFetchToken: one client-credentials token request against a
//     loopback server answering a fixed JSON token.
//   - BenchmarkStoreTransport: the valid-token request without a token
//     store and with each store (memory, file, Redis).
//   - BenchmarkStoreExpiry: one token expiry across N worker processes
//     sharing a file or Redis store: refreshes per expiry and the
//     waiters' added wait.
//
// BENCHMARKS.md at the repository root gives the commands, the machine and
// the results.
package bench
