package oauthtest

import (
	"maps"
	"net/http"
	"slices"
)

// handleMetadata serves the authorization server metadata (RFC 8414 §3).
func (s *Server) handleMetadata(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", "GET")
		writeError(w, &oauthError{status: http.StatusMethodNotAllowed,
			code: errInvalidRequest, description: "method must be GET"})
		return
	}
	writeJSON(w, http.StatusOK, s.metadata())
}

// metadata lists every endpoint and capability (RFC 8414 §2). Only the
// standard client authentication methods are advertised.
func (s *Server) metadata() map[string]any {
	authMethods := []string{ClientSecretBasic, ClientSecretPost, AuthNone}
	return map[string]any{
		"issuer":                                         s.issuer(),
		"authorization_endpoint":                         s.AuthorizationURL(),
		"token_endpoint":                                 s.TokenURL(),
		"revocation_endpoint":                            s.RevocationURL(),
		"introspection_endpoint":                         s.IntrospectionURL(),
		"device_authorization_endpoint":                  s.DeviceAuthorizationURL(),
		"userinfo_endpoint":                              s.UserInfoURL(),
		"response_types_supported":                       []string{responseCode, responseToken},
		"response_modes_supported":                       []string{responseQuery, responseFragment},
		"grant_types_supported":                          append(slices.Sorted(maps.Keys(grantHandlers)), grantImplicit),
		"token_endpoint_auth_methods_supported":          authMethods,
		"revocation_endpoint_auth_methods_supported":     authMethods,
		"introspection_endpoint_auth_methods_supported":  authMethods,
		"code_challenge_methods_supported":               []string{pkceS256, pkcePlain},
		"authorization_response_iss_parameter_supported": !s.OmitIssuer,
	}
}
