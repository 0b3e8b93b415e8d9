package registration

import (
	"encoding/json"

	"github.com/oauthkit/oauthkit/internal/wire"
	"github.com/oauthkit/oauthkit/jose"
)

// Metadata is client metadata (RFC 7591 section 2, OpenID Connect Dynamic
// Client Registration 1.0 section 2, and the members of the logout and
// pushed authorization specifications). Empty fields are left out of the
// request; members without a field are kept in Extra.
type Metadata struct {
	// RedirectURIs is "redirect_uris".
	RedirectURIs []string `json:"redirect_uris,omitempty"`
	// TokenEndpointAuthMethod is "token_endpoint_auth_method", such as
	// oauthkit.ClientSecretBasic (the server's default when empty) or
	// oauthkit.PrivateKeyJWT.
	TokenEndpointAuthMethod string `json:"token_endpoint_auth_method,omitempty"`
	// GrantTypes is "grant_types"; the server's default is
	// authorization_code.
	GrantTypes []string `json:"grant_types,omitempty"`
	// ResponseTypes is "response_types"; the server's default is code.
	ResponseTypes []string `json:"response_types,omitempty"`
	// ClientName is "client_name".
	ClientName string `json:"client_name,omitempty"`
	// ClientURI is "client_uri".
	ClientURI string `json:"client_uri,omitempty"`
	// LogoURI is "logo_uri".
	LogoURI string `json:"logo_uri,omitempty"`
	// Scope is "scope", the space-separated scopes the client may use.
	Scope string `json:"scope,omitempty"`
	// Contacts is "contacts".
	Contacts []string `json:"contacts,omitempty"`
	// TOSURI is "tos_uri".
	TOSURI string `json:"tos_uri,omitempty"`
	// PolicyURI is "policy_uri".
	PolicyURI string `json:"policy_uri,omitempty"`
	// JWKSURI is "jwks_uri", where the client publishes its public keys.
	JWKSURI string `json:"jwks_uri,omitempty"`
	// JWKS is "jwks", the client's public keys by value. Only public keys
	// are sent, even if private ones are given.
	JWKS *jose.KeySet `json:"jwks,omitempty"`
	// SoftwareID is "software_id".
	SoftwareID string `json:"software_id,omitempty"`
	// SoftwareVersion is "software_version".
	SoftwareVersion string `json:"software_version,omitempty"`
	// SoftwareStatement is "software_statement" (RFC 7591 section 2.3).
	SoftwareStatement string `json:"software_statement,omitempty"`
	// ApplicationType is "application_type": "web" (the default) or
	// "native".
	ApplicationType string `json:"application_type,omitempty"`
	// TokenEndpointAuthSigningAlg is "token_endpoint_auth_signing_alg".
	TokenEndpointAuthSigningAlg string `json:"token_endpoint_auth_signing_alg,omitempty"`
	// IDTokenSignedResponseAlg is "id_token_signed_response_alg".
	IDTokenSignedResponseAlg string `json:"id_token_signed_response_alg,omitempty"`
	// RequestObjectSigningAlg is "request_object_signing_alg" (RFC 9101).
	RequestObjectSigningAlg string `json:"request_object_signing_alg,omitempty"`
	// AuthorizationSignedResponseAlg is
	// "authorization_signed_response_alg" (JARM).
	AuthorizationSignedResponseAlg string `json:"authorization_signed_response_alg,omitempty"`
	// RequirePushedAuthorizationRequests is
	// "require_pushed_authorization_requests" (RFC 9126 section 6).
	RequirePushedAuthorizationRequests bool `json:"require_pushed_authorization_requests,omitempty"`
	// PostLogoutRedirectURIs is "post_logout_redirect_uris" (RP-Initiated
	// Logout).
	PostLogoutRedirectURIs []string `json:"post_logout_redirect_uris,omitempty"`
	// BackChannelLogoutURI is "backchannel_logout_uri".
	BackChannelLogoutURI string `json:"backchannel_logout_uri,omitempty"`
	// BackChannelLogoutSessionRequired is
	// "backchannel_logout_session_required".
	BackChannelLogoutSessionRequired bool `json:"backchannel_logout_session_required,omitempty"`
	// FrontChannelLogoutURI is "frontchannel_logout_uri".
	FrontChannelLogoutURI string `json:"frontchannel_logout_uri,omitempty"`
	// FrontChannelLogoutSessionRequired is
	// "frontchannel_logout_session_required".
	FrontChannelLogoutSessionRequired bool `json:"frontchannel_logout_session_required,omitempty"`
	// Extra holds other members, sent as they are and filled with the
	// unknown members of an answer. It cannot override the fields above.
	Extra map[string]any `json:"-"`
}

// metadataFields is Metadata without its methods, for encoding.
type metadataFields Metadata

// MarshalJSON encodes the metadata with its Extra members; a JWKS goes
// out with public keys only.
func (m Metadata) MarshalJSON() ([]byte, error) {
	f := metadataFields(m)
	if f.JWKS != nil {
		f.JWKS = f.JWKS.Public()
	}
	b, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	return wire.AddMembers(b, m.Extra)
}

// UnmarshalJSON decodes metadata, keeping unknown members in Extra.
func (m *Metadata) UnmarshalJSON(data []byte) error {
	var f metadataFields
	if err := json.Unmarshal(data, &f); err != nil {
		return err
	}
	extra, err := wire.ExtraMembers(data, knownMembers, clientMembers)
	if err != nil {
		return err
	}
	f.Extra = extra
	*m = Metadata(f)
	return nil
}

// clientMembers are the members of a client information response that
// are not metadata (RFC 7591 section 3.2.1, RFC 7592 section 3).
var clientMembers = []string{
	"client_id", "client_secret", "client_id_issued_at", "client_secret_expires_at",
	"registration_access_token", "registration_client_uri",
}

// knownMembers are the JSON names of Metadata's fields.
var knownMembers = []string{
	"redirect_uris", "token_endpoint_auth_method", "grant_types", "response_types", "client_name",
	"client_uri", "logo_uri", "scope", "contacts", "tos_uri", "policy_uri", "jwks_uri", "jwks",
	"software_id", "software_version", "software_statement", "application_type",
	"token_endpoint_auth_signing_alg", "id_token_signed_response_alg", "request_object_signing_alg",
	"authorization_signed_response_alg", "require_pushed_authorization_requests",
	"post_logout_redirect_uris", "backchannel_logout_uri", "backchannel_logout_session_required",
	"frontchannel_logout_uri", "frontchannel_logout_session_required",
}
