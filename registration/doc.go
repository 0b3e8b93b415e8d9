// Package registration registers OAuth 2.0 clients dynamically (RFC 7591,
// with the client metadata of OpenID Connect Dynamic Client Registration
// 1.0) and manages them afterwards (RFC 7592), and turns a registered
// client into an [oauthkit.Config].
//
//	r, err := registration.New(registration.Config{
//		Endpoint:           p.Metadata().RegistrationEndpoint,
//		InitialAccessToken: iat, // if the server wants one
//	})
//	c, err := r.Register(ctx, registration.Metadata{
//		RedirectURIs:            []string{"https://app.example/cb"},
//		TokenEndpointAuthMethod: oauthkit.ClientSecretBasic,
//	})
//	cfg, err := p.Config(c.Config(oauthkit.Config{Scopes: []string{"openid"}}))
//
// Store the [Client] (it encodes to JSON): its RegistrationAccessToken and
// RegistrationClientURI are what [Registrar.Read], [Registrar.Update] and
// [Registrar.Delete] need later.
//
// # Security
//
// Requests go over https, or http to loopback only, unless
// InsecureAllowHTTP; they never follow redirects, since they carry
// bearer tokens and the answers carry secrets. Answers are limited to 1
// MiB. String, GoString and slog output of a Client never show the client
// secret or the registration access token.
//
// # Errors
//
// Error bodies of RFC 7591 section 3.2.2 (invalid_redirect_uri,
// invalid_client_metadata, ...) are [*oauthkit.Error] with Endpoint
// "registration" or "client configuration"; other unusable answers are
// [*oauthkit.ResponseError].
//
// # Concurrency
//
// A Registrar is safe for concurrent use by multiple goroutines.
package registration
