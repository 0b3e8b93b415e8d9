// Package oauthtest provides an in-process OAuth 2.0 authorization server for
// tests and demos, in the spirit of [net/http/httptest].
//
// It is meant for tests and demonstrations only: it keeps all state in memory,
// knows a single resource owner, approves authorization requests without a
// login page, and can be told to misbehave. Never use it to protect real
// resources.
//
// A typical test starts a server, registers a client and points the code under
// test at the server's endpoints:
//
//	srv := oauthtest.NewServer()
//	defer srv.Close()
//	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"http://127.0.0.1/cb"}})
//	// use c.ID, c.Secret, srv.AuthorizationURL() and srv.TokenURL()
//
// The package does not import "testing": setup mistakes, such as registering
// the same client twice, panic with an "oauthtest: " prefix, as
// [httptest.Server] does. Errors in requests sent to the server are answered
// on the wire, as a real server would.
//
// # Endpoints
//
// All endpoints are paths under [Server.URL]:
//
//   - /authorize: the authorization endpoint (RFC 6749 §3.1), with response
//     types "code" and "token", PKCE (RFC 7636) and the "iss" response
//     parameter (RFC 9207). The resource owner is approved automatically
//     unless [Server.Consent] decides otherwise. [Server.Authorize] plays the
//     browser's part.
//   - /token: the token endpoint (RFC 6749 §3.2) with the authorization_code,
//     password, client_credentials, refresh_token and device_code grants.
//   - /revoke: token revocation (RFC 7009).
//   - /introspect: token introspection (RFC 7662).
//   - /device_authorization and /device: the device authorization grant
//     (RFC 8628). Tests approve user codes with [Server.ApproveDevice].
//   - /userinfo and /resource: protected resources that accept bearer tokens
//     (RFC 6750).
//   - /.well-known/oauth-authorization-server: metadata (RFC 8414).
//
// # Time
//
// Every expiry (authorization codes, access and refresh tokens, device codes)
// and the device polling interval are measured with [Server.Now], so a test
// can move time forward without sleeping.
//
// # Faults
//
// [Server.InjectFault] makes an endpoint answer with a given status or body,
// answer slowly, hang, or drop the connection. Faults are plain data: see
// [Fault].
//
// # Concurrency
//
// A Server is safe for concurrent use by multiple goroutines once started. Its
// exported configuration fields must be set before [Server.Start] (or before
// the first request, when only [Server.Handler] is used) and not changed
// afterwards.
package oauthtest
