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
//   - BenchmarkParallel: ValidToken and the transport under
//     b.RunParallel, with a fresh token and with a due one whose renewal
//     the token endpoint holds in flight.
//   - BenchmarkRefreshStorm: one thousand goroutines calling through the
//     transport while the token endpoint (a loopback server) takes 20 ms,
//     with the token expired or only due (inside the refresh leeway).
//   - BenchmarkIOStorm: 64 goroutines sending requests through the
//     transport to a loopback API server while the token becomes due and
//     the endpoint takes 20 ms: requests per second during the renewal and
//     outside it, and the others' longest wait.
//   - BenchmarkValidTokenStorm: 64 goroutines calling for the token in a
//     tight loop, without I/O, until they get the renewed one.
//   - BenchmarkFetchToken: one client-credentials token request against a
//     loopback server answering a fixed JSON token.
//   - BenchmarkIDToken: one ID-token verification (RS256, ES256) by
//     oauthkit, go-oidc, a standard-library floor and the bare signature
//     check.
//   - BenchmarkStoreTransport: the valid-token request without a token
//     store and with each store (memory, file, Redis).
//   - BenchmarkStoreExpiry: one token expiry across N worker processes
//     sharing a file or Redis store: refreshes per expiry and the
//     waiters' added wait.
//
// BENCHMARKS.md at the repository root gives the commands, the machine and
// the results.
package bench
