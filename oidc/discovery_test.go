package oidc

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
)

func TestMetadataURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		issuer  string
		style   DiscoveryStyle
		want    string
		wantErr error
	}{
		{"https://a.example", OpenIDConfiguration, "https://a.example/.well-known/openid-configuration", nil},
		{"https://a.example/", OpenIDConfiguration, "https://a.example/.well-known/openid-configuration", nil},
		{"https://a.example/t1", OpenIDConfiguration, "https://a.example/t1/.well-known/openid-configuration", nil},
		{"https://a.example", OAuthAuthorizationServer, "https://a.example/.well-known/oauth-authorization-server", nil},
		{"https://a.example/t1", OAuthAuthorizationServer, "https://a.example/.well-known/oauth-authorization-server/t1", nil},
		{"https://a.example/t1/", OAuthAuthorizationServer, "https://a.example/.well-known/oauth-authorization-server/t1", nil},
		{"https://a.example/a/b", OAuthAuthorizationServer, "https://a.example/.well-known/oauth-authorization-server/a/b", nil},
		{"https://a.example?x=1", OpenIDConfiguration, "", oauthkit.ErrInvalidConfig},
		{"https://a.example#f", OAuthAuthorizationServer, "", oauthkit.ErrInvalidConfig},
		{"ftp://a.example", OpenIDConfiguration, "", oauthkit.ErrInvalidConfig},
		{"/relative", OpenIDConfiguration, "", oauthkit.ErrInvalidConfig},
	}
	for _, tc := range tests {
		got, err := MetadataURL(tc.issuer, tc.style)
		if got != tc.want || !errors.Is(err, tc.wantErr) {
			t.Errorf("MetadataURL(%q, %d) = %q, %v; want %q, %v", tc.issuer, tc.style, got, err, tc.want, tc.wantErr)
		}
	}
}

// discoveryServer serves a metadata document at both well-known locations
// of the issuer path; doc is called with the server's URL.
func discoveryServer(t *testing.T, path string, doc func(base string) map[string]any) (base string) {
	t.Helper()
	mux := http.NewServeMux()
	srv := newServer(t, mux)
	h := func(w http.ResponseWriter, r *http.Request) { jsonHandler(t, doc(srv.URL))(w, r) }
	mux.HandleFunc("GET "+path+openIDConfigurationPath, h)
	mux.HandleFunc("GET "+oauthServerPath+path, h)
	mux.HandleFunc("GET /jwks", jsonHandler(t, publicSet(testES256())))
	return srv.URL
}

func TestDiscover(t *testing.T) {
	t.Parallel()
	for _, style := range []DiscoveryStyle{OpenIDConfiguration, OAuthAuthorizationServer} {
		for _, path := range []string{"", "/tenant1"} {
			base := discoveryServer(t, path, func(base string) map[string]any {
				return map[string]any{
					"issuer": base + path, "token_endpoint": base + "/token", "jwks_uri": base + "/jwks",
					"code_challenge_methods_supported": []string{"S256"}, "x_custom": "yes",
					"authorization_response_iss_parameter_supported": true,
				}
			})
			m, err := Discover(t.Context(), base+path, DiscoveryConfig{Style: style})
			if err != nil {
				t.Fatalf("Discover(%q, style %d) = %v", base+path, style, err)
			}
			want := &Metadata{
				Issuer: base + path, TokenEndpoint: base + "/token", JWKSURL: base + "/jwks",
				CodeChallengeMethodsSupported: []string{"S256"}, AuthorizationResponseISSSupported: true,
				Extra: map[string]any{"x_custom": "yes"},
			}
			if diff := cmp.Diff(want, m); diff != "" {
				t.Errorf("Discover(style %d, path %q) mismatch (-want +got):\n%s", style, path, diff)
			}
		}
	}
}

func TestMetadata_JSON_roundTrip(t *testing.T) {
	t.Parallel()
	in := `{"issuer":"https://a","jwks_uri":"https://a/k","scopes_supported":["openid"],"x":{"y":1}}`
	var m Metadata
	if err := json.Unmarshal([]byte(in), &m); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var a, b map[string]any
	_ = json.Unmarshal([]byte(in), &a)
	_ = json.Unmarshal(out, &b)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
}

func TestDiscover_errors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		wantErr     error
		wantStatus  int
	}{
		{"not found", 404, "application/json", `{"error":"nope"}`, nil, 404},
		{"server error", 500, "text/plain", "boom", nil, 500},
		{"html", 200, "text/html", "<html><body>login</body></html>", nil, 200},
		{"html without type", 200, "", "  <!DOCTYPE html><html>", nil, 200},
		{"invalid json", 200, "application/json", `{"issuer":`, ErrInvalidMetadata, 200},
		{"not an object", 200, "application/json", `["issuer"]`, ErrInvalidMetadata, 200},
		{"wrong type", 200, "application/json", `{"issuer":42}`, ErrInvalidMetadata, 200},
		{"no issuer", 200, "application/json", `{"token_endpoint":"https://a/t"}`, ErrInvalidMetadata, 0},
		{"too large", 200, "application/json", `{"issuer":"` + strings.Repeat("a", maxBodyBytes) + `"}`, nil, 200},
		{"issuer mismatch", 200, "application/json", `{"issuer":"https://evil.example"}`, ErrDiscoveryIssuerMismatch, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				if tc.contentType != "" {
					w.Header().Set("Content-Type", tc.contentType)
				}
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			_, err := Discover(t.Context(), srv.URL, DiscoveryConfig{})
			if err == nil {
				t.Fatal("Discover() succeeded")
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("Discover() = %v, want %v", err, tc.wantErr)
			}
			var re *oauthkit.ResponseError
			if tc.wantStatus != 0 && (!errors.As(err, &re) || re.StatusCode != tc.wantStatus || re.Endpoint != "discovery") {
				t.Errorf("Discover() = %v, want a discovery ResponseError with status %d", err, tc.wantStatus)
			}
			if len(err.Error()) > 400 || strings.Contains(err.Error(), "\n") {
				t.Errorf("error message too long or multi-line: %.100q", err)
			}
		})
	}
}

func TestDiscover_insecure(t *testing.T) {
	t.Parallel()
	_, err := Discover(t.Context(), "http://issuer.example", DiscoveryConfig{})
	if !errors.Is(err, oauthkit.ErrInvalidConfig) {
		t.Errorf("Discover(http) = %v, want oauthkit.ErrInvalidConfig", err)
	}
}

func TestTenantIssuer(t *testing.T) {
	t.Parallel()
	const tenant = "9188040d-6c67-4c5b-b112-36a304b66dad"
	var template string
	base := discoveryServer(t, "/common/v2.0", func(base string) map[string]any {
		template = base + "/{tenantid}/v2.0"
		return map[string]any{"issuer": template, "jwks_uri": base + "/jwks", "id_token_signing_alg_values_supported": []string{"ES256"}}
	})
	issuer := base + "/common/v2.0"
	if _, err := NewProvider(t.Context(), issuer, ProviderConfig{}); !errors.Is(err, ErrDiscoveryIssuerMismatch) {
		t.Fatalf("NewProvider without validator = %v, want ErrDiscoveryIssuerMismatch", err)
	}
	if _, err := NewProvider(t.Context(), issuer, ProviderConfig{IssuerValidator: TenantIssuer(base + "/other/{tenantid}")}); !errors.Is(err, ErrDiscoveryIssuerMismatch) {
		t.Fatalf("NewProvider with another template = %v, want ErrDiscoveryIssuerMismatch", err)
	}
	p, err := NewProvider(t.Context(), issuer, ProviderConfig{IssuerValidator: TenantIssuer(template), Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		claims  map[string]any
		v       *Verifier
		wantErr error
	}{
		{"tenant token", map[string]any{"iss": base + "/" + tenant + "/v2.0", "tid": tenant}, p.Verifier(testClientID), nil},
		{"other tenant's iss", map[string]any{"iss": base + "/other/v2.0", "tid": tenant}, p.Verifier(testClientID), ErrInvalidIssuer},
		{"no tid", map[string]any{"iss": base + "/" + tenant + "/v2.0"}, p.Verifier(testClientID), ErrInvalidIssuer},
		{"template itself", map[string]any{"iss": template}, p.Verifier(testClientID), ErrInvalidIssuer},
		{"path in tid", map[string]any{"iss": base + "/a/b/v2.0", "tid": "a/b"}, p.Verifier(testClientID), ErrInvalidIssuer},
		{"tenant not allowed", map[string]any{"iss": base + "/" + tenant + "/v2.0", "tid": tenant},
			NewVerifier(template, testClientID, p.Keys(), VerifierConfig{Algorithms: []string{jose.ES256}, Now: fixedNow, IssuerValidator: TenantIssuer(template, "t2")}), ErrInvalidIssuer},
	}
	for _, tc := range tests {
		raw := sign(t, testES256(), with(baseClaims(), tc.claims))
		_, err := tc.v.Verify(t.Context(), raw)
		if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
			t.Errorf("%s: Verify() = %v, want %v", tc.name, err, tc.wantErr)
		}
	}
}
