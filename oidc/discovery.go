package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/internal/redact"
	"github.com/oauthkit/oauthkit/internal/secure"
	"github.com/oauthkit/oauthkit/internal/wire"
)

// maxBodyBytes bounds discovery and userinfo response bodies.
const maxBodyBytes = 1 << 20

// Well-known paths of OpenID Connect Discovery 1.0 section 4 and RFC 8414
// section 3.
const (
	openIDConfigurationPath = "/.well-known/openid-configuration"
	oauthServerPath         = "/.well-known/oauth-authorization-server"
)

// Metadata is a provider's metadata document: OpenID Connect Discovery
// 1.0 section 3 or RFC 8414 section 2. Members without a field of their
// own are kept in Extra.
type Metadata struct {
	// Issuer is "issuer", the provider's issuer identifier. Required.
	Issuer string `json:"issuer"`
	// AuthorizationEndpoint is "authorization_endpoint".
	AuthorizationEndpoint string `json:"authorization_endpoint,omitempty"`
	// TokenEndpoint is "token_endpoint".
	TokenEndpoint string `json:"token_endpoint,omitempty"`
	// UserInfoEndpoint is "userinfo_endpoint".
	UserInfoEndpoint string `json:"userinfo_endpoint,omitempty"`
	// JWKSURL is "jwks_uri", where the signing keys are published.
	JWKSURL string `json:"jwks_uri,omitempty"`
	// RevocationEndpoint is "revocation_endpoint" (RFC 7009).
	RevocationEndpoint string `json:"revocation_endpoint,omitempty"`
	// IntrospectionEndpoint is "introspection_endpoint" (RFC 7662).
	IntrospectionEndpoint string `json:"introspection_endpoint,omitempty"`
	// DeviceAuthorizationEndpoint is "device_authorization_endpoint"
	// (RFC 8628).
	DeviceAuthorizationEndpoint string `json:"device_authorization_endpoint,omitempty"`
	// EndSessionEndpoint is "end_session_endpoint" (OpenID Connect
	// RP-Initiated Logout).
	EndSessionEndpoint string `json:"end_session_endpoint,omitempty"`
	// ScopesSupported is "scopes_supported".
	ScopesSupported []string `json:"scopes_supported,omitempty"`
	// ResponseTypesSupported is "response_types_supported".
	ResponseTypesSupported []string `json:"response_types_supported,omitempty"`
	// GrantTypesSupported is "grant_types_supported".
	GrantTypesSupported []string `json:"grant_types_supported,omitempty"`
	// TokenEndpointAuthMethodsSupported is
	// "token_endpoint_auth_methods_supported"; empty means
	// client_secret_basic only.
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported,omitempty"`
	// TokenEndpointAuthSigningAlgs is
	// "token_endpoint_auth_signing_alg_values_supported".
	TokenEndpointAuthSigningAlgs []string `json:"token_endpoint_auth_signing_alg_values_supported,omitempty"`
	// CodeChallengeMethodsSupported is "code_challenge_methods_supported"
	// (RFC 7636).
	CodeChallengeMethodsSupported []string `json:"code_challenge_methods_supported,omitempty"`
	// IDTokenSigningAlgs is "id_token_signing_alg_values_supported".
	IDTokenSigningAlgs []string `json:"id_token_signing_alg_values_supported,omitempty"`
	// UserInfoSigningAlgs is "userinfo_signing_alg_values_supported".
	UserInfoSigningAlgs []string `json:"userinfo_signing_alg_values_supported,omitempty"`
	// AuthorizationResponseISSSupported is
	// "authorization_response_iss_parameter_supported" (RFC 9207).
	AuthorizationResponseISSSupported bool `json:"authorization_response_iss_parameter_supported,omitempty"`
	// PushedAuthorizationRequestEndpoint is
	// "pushed_authorization_request_endpoint" (RFC 9126 section 5).
	PushedAuthorizationRequestEndpoint string `json:"pushed_authorization_request_endpoint,omitempty"`
	// RequirePushedAuthorizationRequests is
	// "require_pushed_authorization_requests" (RFC 9126 section 5).
	RequirePushedAuthorizationRequests bool `json:"require_pushed_authorization_requests,omitempty"`
	// RequestObjectSigningAlgs is
	// "request_object_signing_alg_values_supported" (RFC 9101).
	RequestObjectSigningAlgs []string `json:"request_object_signing_alg_values_supported,omitempty"`
	// RequestObjectEncryptionAlgs is
	// "request_object_encryption_alg_values_supported".
	RequestObjectEncryptionAlgs []string `json:"request_object_encryption_alg_values_supported,omitempty"`
	// RequestObjectEncryptionEncs is
	// "request_object_encryption_enc_values_supported".
	RequestObjectEncryptionEncs []string `json:"request_object_encryption_enc_values_supported,omitempty"`
	// ResponseModesSupported is "response_modes_supported".
	ResponseModesSupported []string `json:"response_modes_supported,omitempty"`
	// AuthorizationSigningAlgs is
	// "authorization_signing_alg_values_supported" (JARM section 3).
	AuthorizationSigningAlgs []string `json:"authorization_signing_alg_values_supported,omitempty"`
	// RegistrationEndpoint is "registration_endpoint" (RFC 7591).
	RegistrationEndpoint string `json:"registration_endpoint,omitempty"`
	// BackChannelLogoutSupported is "backchannel_logout_supported" (OpenID
	// Connect Back-Channel Logout 1.0 section 2.1).
	BackChannelLogoutSupported bool `json:"backchannel_logout_supported,omitempty"`
	// BackChannelLogoutSessionSupported is
	// "backchannel_logout_session_supported".
	BackChannelLogoutSessionSupported bool `json:"backchannel_logout_session_supported,omitempty"`
	// FrontChannelLogoutSupported is "frontchannel_logout_supported"
	// (OpenID Connect Front-Channel Logout 1.0 section 3).
	FrontChannelLogoutSupported bool `json:"frontchannel_logout_supported,omitempty"`
	// FrontChannelLogoutSessionSupported is
	// "frontchannel_logout_session_supported".
	FrontChannelLogoutSessionSupported bool `json:"frontchannel_logout_session_supported,omitempty"`
	// MTLSEndpointAliases is "mtls_endpoint_aliases" (RFC 8705 section
	// 5). [Provider.Config] uses them for a client that uses mutual TLS.
	MTLSEndpointAliases EndpointAliases `json:"mtls_endpoint_aliases,omitempty"`
	// TLSClientCertificateBoundAccessTokens is
	// "tls_client_certificate_bound_access_tokens" (RFC 8705 section 3.3).
	TLSClientCertificateBoundAccessTokens bool `json:"tls_client_certificate_bound_access_tokens,omitempty"`
	// DPoPSigningAlgs is "dpop_signing_alg_values_supported" (RFC 9449
	// section 5.1).
	DPoPSigningAlgs []string `json:"dpop_signing_alg_values_supported,omitempty"`
	// Extra holds every other member, as decoded by encoding/json.
	Extra map[string]any `json:"-"`
}

// metadataFields is Metadata without its methods, for decoding.
type metadataFields Metadata

// UnmarshalJSON decodes a metadata document, keeping unknown members in
// Extra.
func (m *Metadata) UnmarshalJSON(data []byte) error {
	var f metadataFields
	if err := json.Unmarshal(data, &f); err != nil {
		return err
	}
	extra, err := wire.ExtraMembers(data, knownMetadataMembers)
	if err != nil {
		return err
	}
	f.Extra = extra
	*m = Metadata(f)
	return nil
}

// MarshalJSON encodes the document with its Extra members.
func (m Metadata) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal(metadataFields(m))
	if err != nil {
		return nil, err
	}
	return wire.AddMembers(b, m.Extra)
}

// knownMetadataMembers are the JSON names of Metadata's fields.
var knownMetadataMembers = []string{
	"issuer", "authorization_endpoint", "token_endpoint", "userinfo_endpoint",
	"jwks_uri", "revocation_endpoint", "introspection_endpoint",
	"device_authorization_endpoint", "end_session_endpoint", "scopes_supported",
	"response_types_supported", "grant_types_supported",
	"token_endpoint_auth_methods_supported",
	"token_endpoint_auth_signing_alg_values_supported",
	"code_challenge_methods_supported", "id_token_signing_alg_values_supported",
	"userinfo_signing_alg_values_supported",
	"authorization_response_iss_parameter_supported",
	"pushed_authorization_request_endpoint", "require_pushed_authorization_requests",
	"request_object_signing_alg_values_supported",
	"request_object_encryption_alg_values_supported",
	"request_object_encryption_enc_values_supported", "response_modes_supported",
	"authorization_signing_alg_values_supported", "registration_endpoint",
	"backchannel_logout_supported", "backchannel_logout_session_supported",
	"frontchannel_logout_supported", "frontchannel_logout_session_supported",
	"mtls_endpoint_aliases", "tls_client_certificate_bound_access_tokens",
	"dpop_signing_alg_values_supported",
}

// clone returns a deep copy of m.
func (m *Metadata) clone() *Metadata {
	c := *m
	for _, s := range []*[]string{
		&c.ScopesSupported, &c.ResponseTypesSupported, &c.GrantTypesSupported,
		&c.TokenEndpointAuthMethodsSupported, &c.TokenEndpointAuthSigningAlgs,
		&c.CodeChallengeMethodsSupported, &c.IDTokenSigningAlgs, &c.UserInfoSigningAlgs,
		&c.RequestObjectSigningAlgs, &c.RequestObjectEncryptionAlgs, &c.RequestObjectEncryptionEncs,
		&c.ResponseModesSupported, &c.AuthorizationSigningAlgs, &c.DPoPSigningAlgs,
	} {
		*s = append([]string(nil), *s...)
	}
	c.MTLSEndpointAliases = cloneAliases(m.MTLSEndpointAliases)
	c.Extra = maps.Clone(m.Extra)
	return &c
}

// DiscoveryStyle selects the well-known location of the metadata
// document.
type DiscoveryStyle int

// Discovery styles.
const (
	// OpenIDConfiguration appends /.well-known/openid-configuration to the
	// issuer (OpenID Connect Discovery 1.0 section 4.1). The default.
	OpenIDConfiguration DiscoveryStyle = iota
	// OAuthAuthorizationServer inserts /.well-known/oauth-authorization-server
	// between the issuer's host and its path (RFC 8414 section 3.1).
	OAuthAuthorizationServer
)

// MetadataURL returns the URL of the metadata document of issuer in the
// given style: for issuer https://example.com/tenant,
// https://example.com/tenant/.well-known/openid-configuration (OpenID
// Connect) or https://example.com/.well-known/oauth-authorization-server/tenant
// (RFC 8414).
func MetadataURL(issuer string, style DiscoveryStyle) (string, error) {
	u, err := url.Parse(issuer)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("%w: issuer %q is not an absolute http(s) URL", oauthkit.ErrInvalidConfig, issuer)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("%w: issuer %q has a query, fragment or user info", oauthkit.ErrInvalidConfig, issuer)
	}
	if style == OAuthAuthorizationServer {
		u.Path = oauthServerPath + strings.TrimSuffix(u.Path, "/")
		u.RawPath = ""
		return u.String(), nil
	}
	return strings.TrimSuffix(issuer, "/") + openIDConfigurationPath, nil
}

// DiscoveryConfig configures [Discover].
type DiscoveryConfig struct {
	// Style selects the document location. Zero: [OpenIDConfiguration].
	Style DiscoveryStyle
	// HTTPClient fetches the document. Nil: [http.DefaultClient].
	// Redirects are followed only to https, or http to loopback (plain
	// http elsewhere with InsecureAllowHTTP, but never down from https);
	// others fail with [oauthkit.ErrRedirect].
	HTTPClient *http.Client
	// IssuerValidator, when set, decides whether a document naming another
	// issuer than the one asked for is acceptable; see [TenantIssuer]. Nil:
	// the issuer must match exactly.
	IssuerValidator IssuerValidator
	// EndpointTimeout bounds the request when ctx has no deadline. Zero:
	// 30s. Negative: no default.
	EndpointTimeout time.Duration
	// InsecureAllowHTTP permits an http issuer that is not loopback.
	// Anyone on the network path can then substitute the provider's
	// endpoints and keys. Only for development setups.
	InsecureAllowHTTP bool
}

// Discover fetches and checks the metadata document of issuer. The
// document's issuer must equal issuer exactly (OpenID Connect Discovery
// section 4.3, RFC 8414 section 3.3) unless cfg.IssuerValidator accepts
// it. The body is limited to 1 MiB; a status other than 200, an HTML page
// or a body that is not a JSON object is a [*oauthkit.ResponseError] naming the
// "discovery" endpoint.
func Discover(ctx context.Context, issuer string, cfg DiscoveryConfig) (*Metadata, error) {
	u, err := MetadataURL(issuer, cfg.Style)
	if err != nil {
		return nil, err
	}
	if err := checkSecure(u, cfg.InsecureAllowHTTP); err != nil {
		return nil, err
	}
	body, _, err := get(ctx, cfg.HTTPClient, getRequest{endpoint: "discovery", url: u, accept: "application/json",
		allowHTTP: cfg.InsecureAllowHTTP, timeout: cfg.EndpointTimeout})
	if err != nil {
		return nil, err
	}
	var m Metadata
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, &oauthkit.ResponseError{Endpoint: "discovery", URL: u, StatusCode: http.StatusOK, Body: bounded(body),
			Err: fmt.Errorf("%w: %v", ErrInvalidMetadata, err)}
	}
	if err := checkDiscoveredIssuer(issuer, m.Issuer, cfg.IssuerValidator); err != nil {
		return nil, err
	}
	return &m, nil
}

// checkDiscoveredIssuer compares the document's issuer with the one asked
// for.
func checkDiscoveredIssuer(want, got string, iv IssuerValidator) error {
	if got == "" {
		return fmt.Errorf("%w: no issuer", ErrInvalidMetadata)
	}
	if got == want {
		return nil
	}
	if iv == nil {
		return mismatch(ErrDiscoveryIssuerMismatch, got, want)
	}
	if err := iv.ValidateDiscoveredIssuer(want, got); err != nil {
		return fmt.Errorf("%w: got %q for %q: %v", ErrDiscoveryIssuerMismatch, got, want, trimPrefix(err.Error()))
	}
	return nil
}

// getRequest is one GET of a provider document.
type getRequest struct {
	endpoint, url, accept string
	bearer                string // sent as a bearer token when set
	sameOrigin            bool   // follow redirects only within the origin
	allowHTTP             bool
	timeout               time.Duration // applies when ctx has no deadline
}

// get fetches g.url and returns a body of status 200 and its media type.
// Redirects are followed only where the transport stays secure; with a
// bearer token, only within the URL's origin ([oauthkit.ErrRedirect]).
func get(ctx context.Context, hc *http.Client, g getRequest) ([]byte, string, error) {
	ctx, cancel := wire.WithDefaultTimeout(ctx, g.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, g.url, nil)
	if err != nil {
		return nil, "", &oauthkit.ResponseError{Endpoint: g.endpoint, URL: g.url, Err: err}
	}
	req.Header.Set("Accept", g.accept)
	if g.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+g.bearer)
	}
	policy := secure.RedirectPolicy{AllowHTTP: g.allowHTTP, SameOrigin: g.bearer != "" || g.sameOrigin, Sentinel: oauthkit.ErrRedirect}
	resp, err := policy.Follow(hc).Do(req)
	if err != nil {
		rerr := &oauthkit.ResponseError{Endpoint: g.endpoint, URL: g.url, Err: redact.URLError(err)}
		if ue, ok := errors.AsType[*url.Error](err); ok && errors.Is(err, oauthkit.ErrRedirect) {
			rerr.Location = ue.URL
		}
		return nil, "", rerr
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	ct := resp.Header.Get("Content-Type")
	rerr := &oauthkit.ResponseError{Endpoint: g.endpoint, URL: g.url, StatusCode: resp.StatusCode, ContentType: ct, Body: bounded(body)}
	mt, _, _ := mime.ParseMediaType(ct)
	switch {
	case err != nil:
		rerr.Err = err
	case len(body) > maxBodyBytes:
		rerr.Err = errors.New("body larger than 1 MiB")
	case resp.StatusCode != http.StatusOK:
		rerr.Err = errors.New("unexpected status")
	case mt == "text/html" || looksLikeHTML(body):
		rerr.Err = errors.New("html instead of json")
	default:
		return body, mt, nil
	}
	return nil, "", rerr
}

// looksLikeHTML reports whether body starts like an HTML page.
func looksLikeHTML(body []byte) bool {
	s := strings.TrimSpace(string(body[:min(len(body), 64)]))
	return strings.HasPrefix(s, "<")
}

// bounded returns at most 1 KiB of b, copied.
func bounded(b []byte) []byte {
	return append([]byte(nil), b[:min(len(b), 1<<10)]...)
}

// checkSecure refuses a plain http URL to a host that is not loopback,
// unless allowed, by the module's one transport rule.
func checkSecure(raw string, allowHTTP bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%w: %q: %v", oauthkit.ErrInvalidConfig, raw, err)
	}
	if err := secure.CheckTransport(u, allowHTTP); err != nil {
		return fmt.Errorf("%w: %q: %v (InsecureAllowHTTP permits http)", oauthkit.ErrInvalidConfig, raw, err)
	}
	return nil
}
