//go:build interop

package interop

import (
	"slices"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
)

func TestDiscovery(t *testing.T) {
	t.Parallel()
	var m metadata
	if err := getJSON(t.Context(), op.Issuer+"/.well-known/openid-configuration", &m); err != nil {
		t.Fatal(err)
	}
	if m.Issuer != op.Issuer {
		t.Errorf("issuer = %q; want %q", m.Issuer, op.Issuer)
	}
	if !strings.HasPrefix(op.Issuer, "http://127.0.0.1:") {
		t.Errorf("issuer = %q; want http://127.0.0.1:PORT", op.Issuer)
	}
	endpoints := map[string]string{
		"authorization_endpoint":        m.AuthorizationEndpoint,
		"token_endpoint":                m.TokenEndpoint,
		"userinfo_endpoint":             m.UserInfoEndpoint,
		"jwks_uri":                      m.JWKSURI,
		"device_authorization_endpoint": m.DeviceAuthorizationEndpoint,
		"introspection_endpoint":        m.IntrospectionEndpoint,
		"revocation_endpoint":           m.RevocationEndpoint,
	}
	for name, u := range endpoints {
		if !strings.HasPrefix(u, op.Issuer+"/") {
			t.Errorf("%s = %q; want a URL under %q", name, u, op.Issuer)
		}
	}
	for _, c := range allClients {
		if !slices.Contains(m.TokenEndpointAuthMethods, c.Method) {
			t.Errorf("token_endpoint_auth_methods_supported = %q; want it to contain %q", m.TokenEndpointAuthMethods, c.Method)
		}
	}
	for _, g := range []string{"authorization_code", "refresh_token", "client_credentials", grantDeviceCode} {
		if !slices.Contains(m.GrantTypesSupported, g) {
			t.Errorf("grant_types_supported = %q; want it to contain %q", m.GrantTypesSupported, g)
		}
	}
	if !slices.Contains(m.CodeChallengeMethods, "S256") {
		t.Errorf("code_challenge_methods_supported = %q; want S256", m.CodeChallengeMethods)
	}
	// RFC 9207 section 3.
	if !m.AuthorizationResponseIss {
		t.Error("authorization_response_iss_parameter_supported = false; want true")
	}
}

func TestJWKS(t *testing.T) {
	t.Parallel()
	var set jose.JSONWebKeySet
	if err := getJSON(t.Context(), op.Meta.JWKSURI, &set); err != nil {
		t.Fatal(err)
	}
	var algs []string
	for _, k := range set.Keys {
		if !k.IsPublic() {
			t.Errorf("key %q is not a public key", k.KeyID)
		}
		if k.KeyID == "" {
			t.Errorf("key with alg %q has no kid", k.Algorithm)
		}
		algs = append(algs, k.Algorithm)
	}
	slices.Sort(algs)
	if want := []string{"ES256", "RS256"}; !slices.Equal(algs, want) {
		t.Errorf("key algorithms = %q; want %q", algs, want)
	}
}
