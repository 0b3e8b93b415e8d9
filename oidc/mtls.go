package oidc

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/oauthkit/oauthkit"
)

// EndpointAliases is the mtls_endpoint_aliases member of the metadata
// (RFC 8705 section 5): the endpoints, by metadata name, that a client
// using mutual TLS calls instead of the plain ones. Members whose value is
// not a string are dropped when decoding.
type EndpointAliases map[string]string

// UnmarshalJSON decodes the aliases liberally: a member that is not a
// string is ignored, not a reason to refuse the whole document.
func (a *EndpointAliases) UnmarshalJSON(data []byte) error {
	var raw map[string]any
	if json.Unmarshal(data, &raw) != nil {
		*a = nil // not an object: no aliases
		return nil
	}
	out := make(EndpointAliases, len(raw))
	for k, v := range raw {
		if s, ok := v.(string); ok && s != "" {
			out[k] = s
		}
	}
	*a = out
	return nil
}

// mtlsView returns a copy of m whose token, revocation, introspection,
// device authorization, pushed authorization and userinfo endpoints are
// their mTLS aliases where m has one (RFC 8705 section 5).
func (m *Metadata) mtlsView() *Metadata {
	c := m.clone()
	for name, dst := range map[string]*string{
		"token_endpoint":                        &c.TokenEndpoint,
		"revocation_endpoint":                   &c.RevocationEndpoint,
		"introspection_endpoint":                &c.IntrospectionEndpoint,
		"device_authorization_endpoint":         &c.DeviceAuthorizationEndpoint,
		"pushed_authorization_request_endpoint": &c.PushedAuthorizationRequestEndpoint,
		"userinfo_endpoint":                     &c.UserInfoEndpoint,
	} {
		if u := m.MTLSEndpointAliases[name]; u != "" {
			*dst = u
		}
	}
	return c
}

// endpointsFor returns the metadata whose endpoints a client with c
// calls: the mTLS aliases when it uses mutual TLS.
func (p *Provider) endpointsFor(c oauthkit.Config) *Metadata {
	if len(p.meta.MTLSEndpointAliases) > 0 && c.UsesMTLS() {
		return p.meta.mtlsView()
	}
	return p.meta
}

// SessionUserInfo is [Provider.UserInfo] through s: the request goes out
// with s's transport, so a DPoP-bound token carries its proof (RFC 9449),
// a certificate-bound one the client certificate, at the mTLS alias of
// the endpoint when s uses mutual TLS (RFC 8705), and a token that is due
// is renewed first. The subject check is UserInfo's, with s's current
// token.
func (p *Provider) SessionUserInfo(ctx context.Context, s *oauthkit.Session, expectedSubject string) (*UserInfo, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: no session", ErrInvalidMetadata)
	}
	cfg := s.Config()
	u := p.endpointsFor(cfg).UserInfoEndpoint
	return p.userInfo(ctx, userInfoCall{url: u, client: s.HTTPClient(), tok: s.Token(), authorized: true, expectedSubject: expectedSubject})
}

func cloneAliases(a EndpointAliases) EndpointAliases { return maps.Clone(a) }
