package oauthtest

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/oauthkit/oauthkit/jose"
)

// Algorithms accepted for client assertions and JWT-bearer grants.
var (
	hmacAlgorithms       = []string{jose.HS256, jose.HS384, jose.HS512}
	asymmetricAlgorithms = []string{
		jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
		jose.ES256, jose.ES384, jose.ES512, jose.EdDSA,
	}
	allAlgorithms = slices.Concat(hmacAlgorithms, asymmetricAlgorithms)
)

// responseTypes are the supported response_type values (RFC 6749 §3.1.1,
// OpenID Connect Core 1.0 §3).
var responseTypes = []string{
	"code", "token", "id_token", "id_token token", "code id_token", "code token", "code id_token token",
}

// idTokenClaimNames are the claims an ID token or userinfo answer may hold,
// besides the user's own.
var idTokenClaimNames = []string{
	"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash", "c_hash", "azp",
	"name", "preferred_username", "email", "email_verified",
}

// wellKnown serves the metadata documents at the paths the issuer implies,
// which may change until the first request, and answers 404 elsewhere.
func (s *Server) wellKnown() http.Handler {
	meta := s.endpoint(DiscoveryEndpoint, s.handleMetadata)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := issuerPath(s.issuer())
		// RFC 8414 §3.1 inserts the well-known part before the issuer's
		// path; OpenID Connect Discovery 1.0 §4 appends it.
		if r.URL.Path == pathMetadata+p || r.URL.Path == p+pathOpenIDConfiguration {
			meta.ServeHTTP(w, r)
			return
		}
		http.NotFound(w, r)
	})
}

// issuerPath returns the path of an issuer identifier without a trailing
// slash.
func issuerPath(issuer string) string {
	u, err := url.Parse(issuer)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(u.EscapedPath(), "/")
}

// handleMetadata serves the authorization server metadata (RFC 8414 §3)
// and the OpenID Provider configuration (OpenID Connect Discovery 1.0 §4).
func (s *Server) handleMetadata(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		writeError(w, &oauthError{status: http.StatusMethodNotAllowed,
			code: errInvalidRequest, description: "method must be GET"})
		return
	}
	writeJSON(w, http.StatusOK, s.metadata())
}

// metadata lists every endpoint and capability (RFC 8414 §2, OpenID
// Connect Discovery 1.0 §3). Both documents are the same. Only the
// standard client authentication methods are advertised.
func (s *Server) metadata() map[string]any {
	_, alg := s.signingKey()
	authMethods := []string{ClientSecretBasic, ClientSecretPost, AuthNone, ClientSecretJWT, PrivateKeyJWT}
	if strings.HasPrefix(s.URL, "https://") {
		authMethods = append(authMethods, TLSClientAuth, SelfSignedTLSClientAuth)
	}
	m := map[string]any{
		"issuer":                                         s.issuer(),
		"authorization_endpoint":                         s.AuthorizationURL(),
		"token_endpoint":                                 s.TokenURL(),
		"revocation_endpoint":                            s.RevocationURL(),
		"introspection_endpoint":                         s.IntrospectionURL(),
		"device_authorization_endpoint":                  s.DeviceAuthorizationURL(),
		"userinfo_endpoint":                              s.UserInfoURL(),
		"end_session_endpoint":                           s.EndSessionURL(),
		"jwks_uri":                                       s.JWKSURL(),
		"response_types_supported":                       responseTypes,
		"response_modes_supported":                       []string{responseQuery, responseFragment, responseFormPost},
		"grant_types_supported":                          append(slices.Sorted(maps.Keys(grantHandlers)), grantImplicit),
		"subject_types_supported":                        []string{"public"},
		"id_token_signing_alg_values_supported":          []string{alg},
		"scopes_supported":                               []string{scopeOpenID, scopeProfile, scopeEmail, "offline_access"},
		"claims_supported":                               s.claimsSupported(),
		"code_challenge_methods_supported":               []string{pkceS256, pkcePlain},
		"authorization_response_iss_parameter_supported": !s.OmitIssuer,
	}
	for _, ep := range []string{"token", "revocation", "introspection"} {
		m[ep+"_endpoint_auth_methods_supported"] = authMethods
		m[ep+"_endpoint_auth_signing_alg_values_supported"] = allAlgorithms
	}
	m["dpop_signing_alg_values_supported"] = s.dpopAlgorithms()
	s.mtlsMetadata(m)
	if s.UserInfoSigned {
		m["userinfo_signing_alg_values_supported"] = []string{alg}
	}
	s.frontChannelMetadata(m, alg)
	return m
}

func (s *Server) claimsSupported() []string {
	names := slices.Clone(idTokenClaimNames)
	for _, k := range slices.Sorted(maps.Keys(s.user().Claims)) {
		if !slices.Contains(names, k) {
			names = append(names, k)
		}
	}
	return names
}
