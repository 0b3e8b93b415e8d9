//go:build interop

package interop

import (
	"net/url"
	"testing"
)

func clientCredentialsForm(resource, scope string) url.Values {
	form := url.Values{"grant_type": {"client_credentials"}}
	if resource != "" {
		form.Set("resource", resource)
	}
	if scope != "" {
		form.Set("scope", scope)
	}
	return form
}

func TestClientCredentials(t *testing.T) {
	t.Parallel()
	for _, c := range allClients {
		if c.Public() {
			continue // see TestClientCredentials_errors
		}
		t.Run(c.Method, func(t *testing.T) {
			t.Parallel()
			tok := token(t, c, clientCredentialsForm(apiResource, "api:read"))
			if tok.RefreshToken != "" || tok.IDToken != "" {
				t.Errorf("client_credentials issued a refresh_token or id_token")
			}
			if tok.Scope != "api:read" || tok.ExpiresIn <= 0 {
				t.Errorf("scope = %q, expires_in = %d; want api:read and > 0", tok.Scope, tok.ExpiresIn)
			}
			got := introspect(t, c, tok.AccessToken)
			if !got.Active || got.ClientID != c.ID || got.Scope != "api:read" {
				t.Errorf("introspection = %+v; want active, client_id %q, scope api:read", got, c.ID)
			}
		})
	}
}

// TestClientCredentials_scopeNeedsResource checks that oidc-provider grants
// a resource server's scopes only with an RFC 8707 resource indicator:
// without one the token comes back with no scope.
func TestClientCredentials_scopeNeedsResource(t *testing.T) {
	t.Parallel()
	tok := token(t, basicClient, clientCredentialsForm("", "api:read"))
	if tok.Scope != "" {
		t.Errorf("scope = %q; want none", tok.Scope)
	}
	if got := introspect(t, basicClient, tok.AccessToken); !got.Active || got.Scope != "" {
		t.Errorf("introspection = %+v; want active without scope", got)
	}
}

func TestClientCredentials_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		client client
		form   url.Values
		want   string
	}{
		// RFC 6749 section 5.2 suggests unauthorized_client; oidc-provider
		// says invalid_request for a grant type the client may not use.
		{"public client", publicClient, clientCredentialsForm("", ""), "invalid_request"},
		{"wrong secret", client{ID: basicClient.ID, Secret: "wrong", Method: methodBasic}, clientCredentialsForm("", ""), "invalid_client"},
		{"unknown resource", basicClient, clientCredentialsForm("urn:example:other", ""), "invalid_target"},
		{"unknown client", client{ID: "nobody", Secret: "x", Method: methodPost}, clientCredentialsForm("", ""), "invalid_client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := tryToken(t.Context(), tt.client, tt.form)
			wantErrorCode(t, err, tt.want)
		})
	}
}
