package oauthtest

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/oauthkit/oauthkit/jose"
)

// Default values used when the corresponding [Server] field is zero.
const (
	defaultAccessTokenTTL = time.Hour
	defaultCodeTTL        = time.Minute
	defaultDeviceCodeTTL  = 10 * time.Minute
	defaultDeviceInterval = 5 * time.Second
	defaultExpiresField   = "expires_in"
	defaultIDTokenTTL     = time.Hour
	defaultJWKSMaxAge     = 5 * time.Minute
)

// Format is the encoding of token endpoint responses.
type Format int

const (
	// FormatJSON answers with application/json, as RFC 6749 §5.1 requires.
	FormatJSON Format = iota
	// FormatForm answers with application/x-www-form-urlencoded, as some
	// providers (GitHub without an Accept header, Stack Exchange) do.
	FormatForm
)

// A Server is an OAuth 2.0 authorization server listening on a loopback
// address, for use in tests and demos.
//
// The exported fields other than URL configure the server. They must be set
// before [Server.Start] or [Server.StartTLS] (or before the first request when
// only [Server.Handler] is used) and must not change afterwards. Runtime
// behaviour is changed through methods instead, such as [Server.InjectFault]
// and [Server.RevokeAll].
//
// A Server is safe for concurrent use by multiple goroutines.
type Server struct {
	// URL is the base URL of the server, of the form http://ipaddr:port with
	// no trailing slash. It is set by Start and StartTLS. When the server is
	// only used through Handler, set URL to the base URL the handler is
	// served at.
	URL string

	// Issuer is the issuer identifier, sent as "iss" in authorization
	// responses (RFC 9207), ID tokens, metadata and introspection answers.
	// If empty, URL is used. It may have a path, such as URL+"/tenant1",
	// which moves the metadata documents (see [Server.MetadataURL]). Since
	// URL is only known after Start, Issuer may also be set between Start
	// and the first request.
	Issuer string

	// Now is the clock used for every expiry and for the device polling
	// interval. Tests control time by setting it. If nil, time.Now is used.
	Now func() time.Time

	// AccessTokenTTL is the lifetime of access tokens. Zero means one hour.
	// A negative value means access tokens never expire and expires_in is
	// omitted from token responses.
	AccessTokenTTL time.Duration

	// RefreshTokenTTL is the lifetime of refresh tokens. Zero means refresh
	// tokens never expire.
	RefreshTokenTTL time.Duration

	// CodeTTL is the lifetime of authorization codes. Zero means one minute.
	CodeTTL time.Duration

	// DeviceCodeTTL is the lifetime of device codes (RFC 8628). Zero means
	// ten minutes.
	DeviceCodeTTL time.Duration

	// DeviceInterval is the minimum polling interval sent as "interval" in
	// device authorization responses and enforced with slow_down. Zero
	// means five seconds.
	DeviceInterval time.Duration

	// OmitDeviceInterval leaves "interval" out of device authorization
	// responses; clients must then default to five seconds (RFC 8628 §3.2).
	// The interval is still enforced.
	OmitDeviceInterval bool

	// RotateRefreshTokens makes the refresh_token grant issue a new refresh
	// token each time; the presented one stops working. If false, a refresh
	// response carries no refresh token and the old one stays valid.
	RotateRefreshTokens bool

	// DetectRefreshTokenReuse makes the presentation of a refresh token
	// that rotation has already replaced revoke every token of its grant,
	// the new ones included, as the OAuth 2.0 Security Best Current
	// Practice (RFC 9700 §4.14.2) recommends: two clients racing with one
	// refresh token then lose the login. It needs RotateRefreshTokens.
	DetectRefreshTokenReuse bool

	// NoRefreshTokens stops every grant from issuing refresh tokens. If
	// false, the authorization_code, password and device_code grants issue
	// one to clients allowed to use the refresh_token grant. The
	// client_credentials grant never issues one (RFC 6749 §4.4.3).
	NoRefreshTokens bool

	// OmitIssuer leaves the "iss" parameter (RFC 9207) out of authorization
	// responses and metadata. If false, it is sent.
	OmitIssuer bool

	// User is the resource owner: the one approved at the authorization
	// endpoint, the one whose credentials the password grant accepts and the
	// one described by the userinfo endpoint. If its Subject is empty,
	// [DefaultUser] is used.
	User User

	// Consent decides, in place of the resource owner, on each valid
	// authorization request. If nil, every request is approved for User.
	// It may be called concurrently.
	Consent func(AuthorizationRequest) AuthorizationDecision

	// LoginPage makes the authorization endpoint ask the user, as a real
	// provider does, to sign in on an HTML page (with User's Username and
	// Password) and then to allow or deny the request on a consent page,
	// for browser tests and demos; Consent, if set, is still asked after
	// the user allows. If false, every valid request is decided at once,
	// without pages.
	LoginPage bool

	// TokenResponseFormat is the encoding of token endpoint answers,
	// successful or not. Zero means FormatJSON.
	TokenResponseFormat Format

	// ExpiresField is the name of the lifetime field in token responses and
	// implicit grant redirects. If empty, "expires_in" is used; Stack
	// Exchange, for example, uses "expires".
	ExpiresField string

	// Keys are the private keys that sign ID tokens and signed userinfo
	// answers, RSA, ECDSA or Ed25519 (HMAC secrets are refused). The last
	// one signs; all are published at the JWKS endpoint. Keys without a
	// KeyID get a generated one; the caller's keys are not modified. If
	// empty, the server generates one key for IDTokenAlg. Use
	// [Server.RotateKeys] and [Server.RemoveOldKeys] to change keys at run
	// time. Start panics if a key is unusable.
	Keys []*jose.Key

	// IDTokenAlg is the JWS algorithm of ID tokens and signed userinfo
	// answers, such as "RS256", "PS256", "ES256" or "EdDSA". It must fit
	// the last of Keys. If empty, the algorithm of the last of Keys is
	// used, or "RS256" when Keys is empty. Generated RSA keys (2048 bits)
	// are created once per process and shared by all servers, with a
	// different key ID on each, because RSA key generation is slow; set
	// Keys to give a server keys of its own.
	IDTokenAlg string

	// IDTokenTTL is the lifetime of ID tokens. Zero means one hour.
	IDTokenTTL time.Duration

	// JWKSMaxAge is the max-age the JWKS endpoint sends in its
	// Cache-Control header. Zero means five minutes; a negative value
	// sends "no-store" instead.
	JWKSMaxAge time.Duration

	// UserInfoSigned makes the userinfo endpoint answer with a JWT signed
	// by the current key (content type application/jwt), with "iss" and
	// "aud" (the client ID) added to the claims (OpenID Connect Core 1.0
	// §5.3.2). If false, it answers with plain JSON.
	UserInfoSigned bool

	// ClientCAs are the certificate authorities whose client certificates
	// authenticate TLSClientAuth clients (RFC 8705 §2.1). Nil: none, and
	// such clients cannot authenticate. Servers started with StartTLS ask
	// every connection for a client certificate, without requiring one.
	ClientCAs *x509.CertPool

	// RequireDPoP makes the token endpoint refuse token requests without
	// a DPoP proof (RFC 9449 §5) and the protected resources refuse access
	// tokens that are not DPoP-bound. If false, a token request with a
	// valid proof gets DPoP-bound tokens, one without gets bearer tokens,
	// and the resources accept both, each as what it is.
	RequireDPoP bool

	// DPoPNonce makes the token endpoint and the protected resources
	// require the server's nonce in every DPoP proof (RFC 9449 §§8, 9): a
	// proof without the current nonce gets use_dpop_nonce, and every
	// answer of these endpoints carries the current nonce in a DPoP-Nonce
	// header. [Server.RotateDPoPNonce] changes it.
	DPoPNonce bool

	// DPoPAlgorithms are the proof algorithms accepted and advertised as
	// dpop_signing_alg_values_supported. If empty, every asymmetric
	// algorithm of RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384,
	// ES512 and EdDSA is.
	DPoPAlgorithms []string

	// RequirePushedAuthorizationRequests makes the authorization endpoint
	// refuse requests that were not pushed (RFC 9126 §5), for every
	// client, and says so in the metadata. [Client] has the same switch
	// for one client.
	RequirePushedAuthorizationRequests bool

	// PushedRequestTTL is the lifetime of a pushed request's request_uri
	// (RFC 9126 §2.2). Zero means one minute.
	PushedRequestTTL time.Duration

	// EncryptionKey is the server's private encryption key (RSA or EC,
	// use "enc"), made with [jose.NewEncryptionKey]. When set, its public
	// half is published in the JWKS and request objects may be encrypted
	// to it (RFC 9101 §6.1). If nil, encrypted request objects are
	// refused.
	EncryptionKey *jose.Key

	// InitialAccessToken, when set, is the bearer token a dynamic client
	// registration request must carry (RFC 7591 §3). If empty,
	// registration is open.
	InitialAccessToken string

	// LogoutClient posts the logout tokens of [Server.BackChannelLogout].
	// If nil, a plain client with a 10 second timeout is used.
	LogoutClient *http.Client

	initOnce sync.Once
	keysOnce sync.Once
	ts       *httptest.Server // set by Start and StartTLS
	handler  http.Handler
	done     chan struct{} // closed by Close: ends hanging faults
	doneOnce sync.Once

	mu       sync.Mutex // guards the fields below
	started  bool
	clients  map[string]*Client
	tokens   map[string]*token
	codes    map[string]*authCode
	devices  map[string]*deviceAuth // by device code
	userCode map[string]string      // normalized user code to device code
	faults   []*faultState
	requests []Request
	counts   map[Endpoint]int
	logins   map[string]*pendingLogin // by login ID, for LoginPage

	keys          []*jose.Key // published signing keys; the last one signs
	signAlg       string      // the algorithm of ID tokens
	unpublished   *jose.Key   // for IDTokenFault.SignWithUnpublishedKey
	rsaUsed       int         // how many pooled RSA keys this server took
	idFaults      []*idFaultState
	issuers       map[string][]*jose.Key    // trusted JWT-bearer assertion issuers
	jtis          map[string]time.Time      // used assertion and proof IDs, until they expire
	dpopNonces    [2]string                 // the current and the previous DPoP nonce
	pushed        map[string]*pushedRequest // by request_uri
	jwtFaults     []*jwtFaultState
	sessions      map[string]session       // by sid
	registrations map[string]*registration // dynamically registered clients, by ID
}

// NewServer starts and returns a new Server listening on 127.0.0.1 over
// HTTP. The caller should call Close when finished, to shut it down.
func NewServer() *Server {
	s := NewUnstartedServer()
	s.Start()
	return s
}

// NewTLSServer starts and returns a new Server using TLS. Its Client method
// returns an [http.Client] that trusts the server's certificate. The caller
// should call Close when finished, to shut it down.
func NewTLSServer() *Server {
	s := NewUnstartedServer()
	s.StartTLS()
	return s
}

// NewUnstartedServer returns a new Server that is not started. Set its
// configuration fields, then call Start or StartTLS.
func NewUnstartedServer() *Server {
	s := &Server{}
	s.init()
	return s
}

func (s *Server) init() {
	s.initOnce.Do(func() {
		s.done = make(chan struct{})
		s.clients = make(map[string]*Client)
		s.tokens = make(map[string]*token)
		s.codes = make(map[string]*authCode)
		s.devices = make(map[string]*deviceAuth)
		s.userCode = make(map[string]string)
		s.counts = make(map[Endpoint]int)
		s.logins = make(map[string]*pendingLogin)
		s.issuers = make(map[string][]*jose.Key)
		s.jtis = make(map[string]time.Time)
		s.pushed = make(map[string]*pushedRequest)
		s.sessions = make(map[string]session)
		s.registrations = make(map[string]*registration)
		s.handler = s.newMux()
	})
}

// Start starts the server on a loopback address over HTTP. It panics if the
// server was already started.
func (s *Server) Start() { s.start(false) }

// StartTLS starts the server on a loopback address over HTTPS. It panics if
// the server was already started.
func (s *Server) StartTLS() { s.start(true) }

func (s *Server) start(useTLS bool) {
	s.init()
	s.setupKeys()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		panic("oauthtest: server already started")
	}
	s.started = true
	s.ts = httptest.NewUnstartedServer(s.handler)
	if useTLS {
		// Ask for a certificate without checking it: mTLS client
		// authentication checks it per client (RFC 8705 §2).
		s.ts.TLS = &tls.Config{ClientAuth: tls.RequestClientCert}
		s.ts.StartTLS()
	} else {
		s.ts.Start()
	}
	s.URL = s.ts.URL
}

// Close shuts down the server. Requests held by a [Fault] with Hang or Delay
// are released first; Close then blocks until all outstanding requests have
// completed. Close may be called more than once.
func (s *Server) Close() {
	s.init()
	s.doneOnce.Do(func() { close(s.done) })
	if s.ts != nil {
		s.ts.Close()
	}
}

// Client returns an HTTP client configured for requests to the server. It
// trusts the server's TLS certificate and closes its idle connections on
// Close. It panics if the server was not started.
func (s *Server) Client() *http.Client {
	if s.ts == nil {
		panic("oauthtest: Client called before Start")
	}
	return s.ts.Client()
}

// Handler returns the server's HTTP handler, so that it can be mounted in
// another server. Set URL to the base URL it is served at.
func (s *Server) Handler() http.Handler {
	s.init()
	return s.handler
}

// AuthorizationURL returns the URL of the authorization endpoint.
func (s *Server) AuthorizationURL() string { return s.URL + pathAuthorize }

// TokenURL returns the URL of the token endpoint.
func (s *Server) TokenURL() string { return s.URL + pathToken }

// RevocationURL returns the URL of the revocation endpoint (RFC 7009).
func (s *Server) RevocationURL() string { return s.URL + pathRevoke }

// IntrospectionURL returns the URL of the introspection endpoint (RFC 7662).
func (s *Server) IntrospectionURL() string { return s.URL + pathIntrospect }

// DeviceAuthorizationURL returns the URL of the device authorization
// endpoint (RFC 8628 §3.1).
func (s *Server) DeviceAuthorizationURL() string { return s.URL + pathDeviceAuthorization }

// EndSessionURL returns the URL of the end_session_endpoint (OpenID Connect
// RP-Initiated Logout 1.0 §2).
func (s *Server) EndSessionURL() string { return s.URL + pathEndSession }

// UserInfoURL returns the URL of the userinfo endpoint.
func (s *Server) UserInfoURL() string { return s.URL + pathUserInfo }

// ResourceURL returns the URL of the protected resource. It accepts any
// method with a bearer token (RFC 6750 §2) and answers with a JSON object
// holding the token's "sub", "scope" and "client_id", and the request's
// "method", "query" parameters and, for a form body, "form" parameters, so
// that tests can see what a client sent.
func (s *Server) ResourceURL() string { return s.URL + pathResource }

// MetadataURL returns the URL of the authorization server metadata
// (RFC 8414 §3.1): for an issuer with a path, such as URL+"/tenant1", the
// path follows the well-known part:
// URL+"/.well-known/oauth-authorization-server/tenant1".
func (s *Server) MetadataURL() string { return s.URL + pathMetadata + issuerPath(s.issuer()) }

// OpenIDConfigurationURL returns the URL of the OpenID Provider
// configuration (OpenID Connect Discovery 1.0 §4): the issuer's path
// followed by "/.well-known/openid-configuration".
func (s *Server) OpenIDConfigurationURL() string {
	return s.URL + issuerPath(s.issuer()) + pathOpenIDConfiguration
}

// JWKSURL returns the URL of the JSON Web Key Set holding the public keys
// that verify ID tokens (RFC 7517 §5).
func (s *Server) JWKSURL() string { return s.URL + pathJWKS }

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) issuer() string {
	if s.Issuer != "" {
		return s.Issuer
	}
	return s.URL
}

func (s *Server) user() User {
	if s.User.Subject == "" {
		return DefaultUser()
	}
	return s.User
}

func (s *Server) expiresField() string {
	if s.ExpiresField != "" {
		return s.ExpiresField
	}
	return defaultExpiresField
}

// durationOr returns d, or def when d is zero.
func durationOr(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}
