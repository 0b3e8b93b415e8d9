//go:build interop

package interop

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/oauthkit/oauthkit"
)

// resourceGrant is the client credentials grant for the interop API: the
// RFC 8707 resource indicator makes oidc-provider grant its scopes.
func resourceGrant() oauthkit.Grant {
	return oauthkit.ExtensionGrant(oauthkit.GrantTypeClientCredentials, url.Values{"resource": {apiResource}})
}

// newAPI starts a resource server for the interop API on 127.0.0.1. It
// checks each request's bearer token by introspection at the provider
// (RFC 7662), as basic-client, and answers 200 with the introspection's
// client_id and scope, or 401.
func newAPI(t *testing.T) string {
	t.Helper()
	rs := basicClient.session(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			http.Error(w, "no bearer token", http.StatusUnauthorized)
			return
		}
		in, err := rs.Introspect(r.Context(), tok, oauthkit.WithTokenTypeHint(oauthkit.TokenTypeHintAccessToken))
		if err != nil || !in.Active || !hasString(in.Audience, apiResource) {
			http.Error(w, "invalid token", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"client_id": in.ClientID, "scope": in.Scope})
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func hasString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestClientCredentials: a service session (Config.Grant) fetches its
// token by itself on its first protected request, which a resource server
// accepts after introspecting it.
func TestClientCredentials(t *testing.T) {
	t.Parallel()
	api := newAPI(t)
	for _, c := range allClients {
		if c.Public() {
			continue // see TestClientCredentials_errors
		}
		t.Run(c.Method, func(t *testing.T) {
			t.Parallel()
			s := c.session(t, func(cfg *oauthkit.Config) {
				cfg.Scopes = []string{"api:read"}
				cfg.Grant = resourceGrant()
			})
			got := getJSON(t, s, api)
			if got["client_id"] != c.ID || got["scope"] != "api:read" {
				t.Errorf("API saw %v; want client_id %q and scope api:read", got, c.ID)
			}
			tok := s.Token()
			if tok == nil || tok.RefreshToken != "" || tok.IDToken != "" || tok.Scope != "api:read" || tok.ExpiresAt.IsZero() {
				t.Errorf("token = %v; want scope api:read, an expiry, no refresh or ID token", tok)
			}
		})
	}
}

// TestClientCredentials_scopeNeedsResource checks that oidc-provider grants
// a resource server's scopes only with an RFC 8707 resource indicator,
// here given with WithParam: without one the token comes with no scope.
func TestClientCredentials_scopeNeedsResource(t *testing.T) {
	t.Parallel()
	s := basicClient.session(t, func(cfg *oauthkit.Config) { cfg.Scopes = []string{"api:read"} })
	tok, err := s.FetchToken(t.Context(), oauthkit.ClientCredentials())
	if err != nil {
		t.Fatal(err)
	}
	if tok.Scope != "" {
		t.Errorf("scope without resource = %q; want none", tok.Scope)
	}
	tok, err = s.FetchToken(t.Context(), oauthkit.ClientCredentials(), oauthkit.WithParam("resource", apiResource))
	if err != nil {
		t.Fatal(err)
	}
	if tok.Scope != "api:read" {
		t.Errorf("scope with resource = %q; want api:read", tok.Scope)
	}
	if in := introspect(t, s, ""); !in.Active || in.Scope != "api:read" {
		t.Errorf("introspection = %v; want active with scope api:read", in)
	}
}

func TestClientCredentials_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		client client
		opts   []oauthkit.TokenOption
		want   string
	}{
		// RFC 6749 section 5.2 suggests unauthorized_client; oidc-provider
		// says invalid_request for a grant type the client may not use.
		{"public client", publicClient, nil, oauthkit.ErrorCodeInvalidRequest},
		{"wrong secret", client{ID: basicClient.ID, Secret: "wrong", Method: oauthkit.ClientSecretBasic}, nil, oauthkit.ErrorCodeInvalidClient},
		{"unknown resource", basicClient, []oauthkit.TokenOption{oauthkit.WithParam("resource", "urn:example:other")}, "invalid_target"},
		{"unknown client", client{ID: "nobody", Secret: "x", Method: oauthkit.ClientSecretPost}, nil, oauthkit.ErrorCodeInvalidClient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := tt.client.session(t, func(cfg *oauthkit.Config) { cfg.Scopes = nil })
			_, err := s.FetchToken(t.Context(), oauthkit.ClientCredentials(), tt.opts...)
			wantOAuthError(t, err, "token", tt.want)
			if s.Token() != nil {
				t.Error("session has a token after a failed fetch")
			}
		})
	}
}
