// Package web logs users of a net/http app in with OAuth 2.0 and OpenID
// Connect providers: the Go counterpart of Authlib's Flask, Django and
// Starlette clients, for any router built on net/http.
//
// # Flows
//
// A [Login] holds the app's settings ([Config]) and a registry of
// providers ([Login.Register], Authlib's oauth.register): OpenID Connect
// providers by issuer, with discovery, and plain OAuth 2.0 ones by their
// endpoints. Its handlers do the rest:
//
//   - GET /login/{provider} ([Login.Start]) redirects the browser to the
//     provider with state, PKCE (S256) and, for OpenID Connect, a nonce;
//     "?next=/page" says where to land afterwards.
//   - GET or POST /callback/{provider} ([Login.Callback], the redirect
//     URI; POST for response_mode=form_post) checks the answer, exchanges
//     the code, verifies the ID token, fetches userinfo when asked and
//     calls [Config.OnLogin], where the app creates its own session and
//     says where to go.
//   - POST /logout ([Login.Logout]) calls [Config.OnLogout] to end the
//     app's session, then ends the provider's through RP-Initiated Logout
//     when the provider has an end_session_endpoint; GET /logout/return
//     ([Login.LogoutReturn]) checks the state it comes back with.
//   - [Login.RequireLogin] sends anonymous visitors to the login and back
//     to the page they asked for.
//
// Apps that write their own handlers use the same steps as calls on a
// provider's [Client]: [Client.AuthorizeRedirect] and [Client.Exchange]
// (Authlib's authorize_redirect and authorize_access_token),
// [Client.UserInfo], [Client.LogoutRedirect], and [Client.Session] for
// API calls that refresh the user's token.
//
// # Flow state
//
// What the callback needs (state, nonce, PKCE verifier, redirect URI,
// the return-to path) lives in a cookie sealed with AES-256-GCM ([Sealer];
// a list of keys, newest first, for rotation), HttpOnly, SameSite=Lax,
// lasting [Config.FlowTTL] (10 minutes), and, when the app's BaseURL is
// https, Secure with the __Host- prefix. Each login has its own cookie,
// named after its state, so logins in two tabs at once both complete.
// A state is accepted once only: its cookie is deleted, and the process
// remembers it until it would have expired, so a replayed callback
// fails. A [FlowStore] keeps flows on the server instead, for apps with
// several replicas or that keep no secrets in cookies.
//
// # Security
//
// Return-to targets must be local paths ([SafeReturnTo]): "//host",
// "/\host", schemes and control characters are refused, so the login
// cannot be used as an open redirect. A logout posted from another
// site's page is refused ([ErrCrossOrigin]), so that no other site can
// end the user's session. The state is compared in constant
// time; the RFC 9207 iss parameter, the ID token (signature under an
// algorithm allow-list, iss, aud, exp, nonce, ...) and the userinfo sub
// are checked by the oauthkit and oidc packages. Plain http is refused
// except to loopback hosts, unless InsecureAllowHTTP says otherwise.
//
// # Errors
//
// Failures reach [Config.ErrorHandler] as an [*Error] whose cause matches
// the package's sentinels ([ErrFlowNotFound], [ErrFlowExpired],
// [ErrTampered], [ErrFlowReplayed], [ErrIDToken], ...),
// [oauthkit.ErrStateMismatch], or [*oauthkit.Error] for the provider's
// error= answers. [DefaultErrorHandler] answers 400 with a small HTML
// page that escapes everything it shows.
//
// # Standards
//
//   - RFC 6749, The OAuth 2.0 Authorization Framework
//   - RFC 7636, Proof Key for Code Exchange
//   - RFC 9207, OAuth 2.0 Authorization Server Issuer Identification
//   - OpenID Connect Core 1.0
//   - OAuth 2.0 Form Post Response Mode
//   - OpenID Connect RP-Initiated Logout 1.0
//   - RFC 6265bis, Cookies: HTTP State Management Mechanism (cookie
//     prefixes, SameSite)
//   - RFC 9700, OAuth 2.0 Security Best Current Practice
package web
