package oidc

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
)

// ProviderConfig configures a [Provider]. Every zero value is a safe
// default.
type ProviderConfig struct {
	// Style selects the metadata document location. Zero:
	// [OpenIDConfiguration].
	Style DiscoveryStyle
	// HTTPClient makes every request: discovery, keys, userinfo. Nil:
	// [http.DefaultClient]. Redirects are followed only where the
	// transport stays secure (see [DiscoveryConfig.HTTPClient]); userinfo
	// redirects only within the endpoint's origin, so the access token
	// never leaves it.
	HTTPClient *http.Client
	// Now is the clock. Nil: [time.Now].
	Now func() time.Time
	// Leeway is the clock skew tolerated when checking tokens; see
	// [VerifierConfig.Leeway]. Zero: one minute.
	Leeway time.Duration
	// Algorithms is the allow-list of ID token (and signed userinfo)
	// signature algorithms. Zero: RS256 plus the asymmetric algorithms the
	// metadata lists in id_token_signing_alg_values_supported.
	Algorithms []string
	// IssuerValidator accepts issuers other than the one asked for, for
	// multi-tenant providers; see [TenantIssuer]. Nil: exact match.
	IssuerValidator IssuerValidator
	// RequireAuthTime makes auth_time required in every ID token.
	RequireAuthTime bool
	// ClientID is the client's id, used to check the aud of signed
	// userinfo responses. Zero: a signed userinfo response that has an aud
	// is rejected.
	ClientID string
	// Keys overrides the provider's keys. Nil: a [jose.RemoteKeySet] on the
	// metadata's jwks_uri.
	Keys jose.KeySource
	// JWKSMinRefreshInterval is the shortest time between two fetches of
	// the provider's keys caused by ID tokens with an unknown kid (see
	// [jose.RemoteKeySetConfig.MinRefreshInterval]); a key rotated in
	// right after an ordinary fetch is still found at once. Zero: 30s.
	// Ignored when Keys is set.
	JWKSMinRefreshInterval time.Duration
	// JWKSMaxAge is the longest the provider's keys are cached before they
	// are fetched again, whatever its Cache-Control says (see
	// [jose.RemoteKeySetConfig.MaxAge]). Zero: 24h. Ignored when Keys is
	// set.
	JWKSMaxAge time.Duration
	// InsecureAllowWeakRSA accepts ID tokens and signed userinfo answers
	// signed with RSA keys shorter than 2048 bits; see
	// [VerifierConfig.InsecureAllowWeakRSA].
	InsecureAllowWeakRSA bool
	// EndpointTimeout bounds discovery and each userinfo request when the
	// context has no deadline. Zero: 30s. Negative: no default. Key
	// fetches have their own bound ([jose.RemoteKeySetConfig.FetchTimeout]).
	EndpointTimeout time.Duration
	// InsecureAllowHTTP permits http URLs to hosts that are not loopback,
	// for discovery, keys and userinfo. Anyone on the network path can then
	// substitute keys and read tokens. Only for development setups.
	InsecureAllowHTTP bool
}

// Provider is an OpenID Connect provider (or OAuth 2.0 authorization
// server) known from its metadata: its endpoints, its signing keys and
// its userinfo endpoint. A Provider is safe for concurrent use by multiple
// goroutines.
type Provider struct {
	meta *Metadata
	cfg  ProviderConfig
	keys jose.KeySource
	algs []string
}

// NewProvider discovers issuer's metadata (see [Discover]) and returns the
// provider. The signing keys are fetched lazily, on the first token to
// verify, and cached.
func NewProvider(ctx context.Context, issuer string, cfg ProviderConfig) (*Provider, error) {
	m, err := Discover(ctx, issuer, DiscoveryConfig{
		Style: cfg.Style, HTTPClient: cfg.HTTPClient,
		IssuerValidator: cfg.IssuerValidator, InsecureAllowHTTP: cfg.InsecureAllowHTTP,
		EndpointTimeout: cfg.EndpointTimeout,
	})
	if err != nil {
		return nil, err
	}
	return NewProviderFromMetadata(m, cfg)
}

// NewProviderFromMetadata returns the provider described by m, for
// metadata known in advance (no discovery request). Its endpoints must be
// https, or http to loopback.
func NewProviderFromMetadata(m *Metadata, cfg ProviderConfig) (*Provider, error) {
	if m == nil || m.Issuer == "" {
		return nil, fmt.Errorf("%w: no issuer", ErrInvalidMetadata)
	}
	p := &Provider{meta: m.clone(), cfg: cfg, keys: cfg.Keys}
	p.cfg.Algorithms = slices.Clone(cfg.Algorithms)
	endpoints := []string{m.AuthorizationEndpoint, m.TokenEndpoint, m.UserInfoEndpoint, m.JWKSURL,
		m.RevocationEndpoint, m.IntrospectionEndpoint, m.DeviceAuthorizationEndpoint,
		m.PushedAuthorizationRequestEndpoint, m.RegistrationEndpoint, m.EndSessionEndpoint}
	for _, name := range slices.Sorted(maps.Keys(m.MTLSEndpointAliases)) {
		endpoints = append(endpoints, m.MTLSEndpointAliases[name])
	}
	for _, u := range endpoints {
		if u == "" {
			continue
		}
		if err := checkSecure(u, cfg.InsecureAllowHTTP); err != nil {
			return nil, fmt.Errorf("%w: endpoint %q: %v", ErrInvalidMetadata, u, trimPrefix(err.Error()))
		}
	}
	if p.keys == nil && m.JWKSURL != "" {
		rks, err := jose.NewRemoteKeySet(jose.RemoteKeySetConfig{
			URL: m.JWKSURL, HTTPClient: cfg.HTTPClient, Now: cfg.Now, InsecureAllowHTTP: cfg.InsecureAllowHTTP,
			MinRefreshInterval: cfg.JWKSMinRefreshInterval, MaxAge: cfg.JWKSMaxAge,
		})
		if err != nil {
			return nil, fmt.Errorf("%w: jwks_uri: %v", ErrInvalidMetadata, trimPrefix(err.Error()))
		}
		p.keys = rks
	}
	p.algs = p.cfg.Algorithms
	if len(p.algs) == 0 {
		p.algs = defaultAlgorithms(m.IDTokenSigningAlgs)
	}
	return p, nil
}

// defaultAlgorithms is RS256 plus the asymmetric algorithms listed.
// HMAC algorithms are left out: a provider's published keys are public.
func defaultAlgorithms(listed []string) []string {
	algs := []string{jose.RS256}
	for _, a := range listed {
		switch a {
		case jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
			jose.ES256, jose.ES384, jose.ES512, jose.EdDSA:
			if !slices.Contains(algs, a) {
				algs = append(algs, a)
			}
		}
	}
	return algs
}

// Metadata returns a copy of the provider's metadata.
func (p *Provider) Metadata() *Metadata { return p.meta.clone() }

// Issuer returns the provider's issuer identifier.
func (p *Provider) Issuer() string { return p.meta.Issuer }

// Keys returns the source of the provider's signing keys, or nil when the
// metadata has no jwks_uri and none was configured.
func (p *Provider) Keys() jose.KeySource { return p.keys }

// Algorithms returns the signature algorithms the provider's verifiers
// accept.
func (p *Provider) Algorithms() []string { return slices.Clone(p.algs) }

// Verifier returns a verifier of the ID tokens the provider issues to
// clientID, with the provider's keys, algorithms, clock, leeway and issuer
// validator.
func (p *Provider) Verifier(clientID string) *Verifier {
	return NewVerifier(p.meta.Issuer, clientID, p.keys, VerifierConfig{
		Algorithms:      p.algs,
		Now:             p.cfg.Now,
		Leeway:          p.cfg.Leeway,
		IssuerValidator: p.cfg.IssuerValidator,
		RequireAuthTime: p.cfg.RequireAuthTime,

		InsecureAllowWeakRSA: p.cfg.InsecureAllowWeakRSA,
	})
}

// Config completes base, a session configuration with at least the client
// id, from the provider's metadata, and returns the result; base itself
// is not changed. Fields base sets are kept. It fills:
//   - AuthURL, TokenURL, RevocationURL, IntrospectionURL, DeviceAuthURL
//     and PushedAuthURL from the metadata's endpoints (their
//     mtls_endpoint_aliases, RFC 8705 section 5, when the client uses
//     mutual TLS: see [oauthkit.Config.UsesMTLS]), and
//     RequirePushedAuth from require_pushed_authorization_requests
//     (RFC 9126);
//   - JARMVerifier: p.JARMVerifier(base.ClientID), used only when a
//     request asks for a JWT response mode;
//   - Issuer (unless an IssuerValidator is configured: the metadata then
//     names a template) and RequireIssuerParameter from
//     authorization_response_iss_parameter_supported (RFC 9207);
//   - IDTokenValidator: p.Verifier(base.ClientID);
//   - PKCE: plain only when the provider lists plain and not S256, else
//     S256 (the session's default);
//   - HTTPClient, Now and InsecureAllowHTTP from the provider's config;
//   - AuthMethod, by [ChooseAuthMethod], when base sets neither AuthMethod
//     nor ClientAuth; for client_secret_jwt, ClientAssertionAlg too when
//     the provider lists HMAC algorithms without HS256.
func (p *Provider) Config(base oauthkit.Config) (oauthkit.Config, error) {
	c := base
	c.Scopes = slices.Clone(base.Scopes)
	if c.HTTPClient == nil {
		c.HTTPClient = p.cfg.HTTPClient
	}
	m := p.endpointsFor(c)
	setIfEmpty(&c.PushedAuthURL, m.PushedAuthorizationRequestEndpoint)
	setIfEmpty(&c.AuthURL, m.AuthorizationEndpoint)
	setIfEmpty(&c.TokenURL, m.TokenEndpoint)
	setIfEmpty(&c.RevocationURL, m.RevocationEndpoint)
	setIfEmpty(&c.IntrospectionURL, m.IntrospectionEndpoint)
	setIfEmpty(&c.DeviceAuthURL, m.DeviceAuthorizationEndpoint)
	p.frontChannelConfig(&c)
	if c.Issuer == "" && p.cfg.IssuerValidator == nil {
		c.Issuer = m.Issuer
		c.RequireIssuerParameter = c.RequireIssuerParameter || m.AuthorizationResponseISSSupported
	}
	if c.IDTokenValidator == nil {
		c.IDTokenValidator = p.Verifier(base.ClientID)
	}
	if c.PKCE == "" && slices.Contains(m.CodeChallengeMethodsSupported, string(oauthkit.PKCEPlain)) &&
		!slices.Contains(m.CodeChallengeMethodsSupported, string(oauthkit.PKCES256)) {
		c.PKCE = oauthkit.PKCEPlain
	}
	if c.Now == nil {
		c.Now = p.cfg.Now
	}
	c.InsecureAllowHTTP = c.InsecureAllowHTTP || p.cfg.InsecureAllowHTTP
	if c.AuthMethod == "" && c.ClientAuth == nil {
		name, err := ChooseAuthMethod(m.TokenEndpointAuthMethodsSupported, base.ClientSecret != "", base.ClientKey != nil)
		if err != nil {
			return oauthkit.Config{}, err
		}
		c.AuthMethod = name
		if name == oauthkit.ClientSecretJWT && c.ClientAssertionAlg == "" {
			c.ClientAssertionAlg = hmacAlgorithm(m.TokenEndpointAuthSigningAlgs)
		}
	}
	return c, nil
}

// hmacAlgorithm picks the client_secret_jwt algorithm: HS256 unless the
// provider lists signing algorithms without it, then the first HMAC one
// listed.
func hmacAlgorithm(listed []string) string {
	if len(listed) == 0 || slices.Contains(listed, jose.HS256) {
		return ""
	}
	for _, a := range listed {
		if a == jose.HS384 || a == jose.HS512 {
			return a
		}
	}
	return ""
}

func setIfEmpty(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

// ChooseAuthMethod picks the token endpoint client authentication method
// from the methods a provider supports (token_endpoint_auth_methods_supported;
// empty means client_secret_basic only, RFC 8414 section 2) and what the
// client has. The choice is deterministic, never found by trying methods
// against the server, in this order:
//   - a client with a private key: private_key_jwt, when supported;
//   - a client with a secret: client_secret_basic, then
//     client_secret_post, then client_secret_jwt;
//   - a client with neither: none.
//
// It returns [ErrNoAuthMethod] when nothing in this order is supported.
func ChooseAuthMethod(supported []string, hasSecret, hasKey bool) (string, error) {
	if len(supported) == 0 {
		supported = []string{oauthkit.ClientSecretBasic}
	}
	var order []string
	if hasKey {
		order = append(order, oauthkit.PrivateKeyJWT)
	}
	if hasSecret {
		order = append(order, oauthkit.ClientSecretBasic, oauthkit.ClientSecretPost, oauthkit.ClientSecretJWT)
	}
	if !hasSecret && !hasKey {
		order = append(order, oauthkit.AuthNone)
	}
	for _, name := range order {
		if slices.Contains(supported, name) {
			return name, nil
		}
	}
	return "", fmt.Errorf("%w: the provider supports %q; the client has a secret: %t, a key: %t", ErrNoAuthMethod, supported, hasSecret, hasKey)
}
