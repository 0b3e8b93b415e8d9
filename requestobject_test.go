package oauthkit

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/oauthkit/oauthkit/jose"
)

const roSecret = "0123456789abcdef0123456789abcdef-secret"

// verifyRequestObject checks obj's signature with key and returns its
// header type and claims.
func verifyRequestObject(t *testing.T, obj string, key *jose.Key) (string, map[string]any) {
	t.Helper()
	v, err := jose.Verify(t.Context(), obj, &jose.KeySet{Keys: []*jose.Key{key}}, jose.VerifyOptions{Algorithms: []string{jose.HS256, jose.ES256}})
	if err != nil {
		t.Fatalf("request object: %v", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(v.Payload, &claims); err != nil {
		t.Fatal(err)
	}
	return v.Header.Type, claims
}

func TestWithRequestObject_byValue(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := mustSession(t, Config{ClientID: "cid", ClientSecret: roSecret, AuthURL: "https://as.example/authorize",
		Issuer: "https://as.example", RedirectURL: "https://app.example/cb", Scopes: []string{"openid", "email"}, Now: clk.Now})
	ar, err := s.AuthorizationURL(WithRequestObject(), WithParam("max_age", "300"), WithParam("resource", "https://a"), WithParam("resource", "https://b"),
		WithParam("claims", `{"id_token":{"email":null}}`))
	if err != nil {
		t.Fatalf("AuthorizationURL: %v", err)
	}
	q := mustQuery(t, ar.URL)
	if diff := cmp.Diff([]string{"client_id", "request", "response_type", "scope"}, sortedKeys(q)); diff != "" {
		t.Errorf("URL parameters (-want +got):\n%s", diff)
	}
	secret, _ := jose.NewKey([]byte(roSecret), "", jose.HS256)
	typ, claims := verifyRequestObject(t, q.Get("request"), secret)
	now := clk.Now().Unix()
	want := map[string]any{
		"iss": "cid", "client_id": "cid", "aud": "https://as.example", "response_type": "code",
		"redirect_uri": "https://app.example/cb", "scope": "openid email", "state": ar.State, "nonce": ar.Nonce,
		"code_challenge": CodeChallengeS256(ar.CodeVerifier), "code_challenge_method": "S256",
		"max_age": float64(300), "resource": []any{"https://a", "https://b"},
		"claims": map[string]any{"id_token": map[string]any{"email": nil}},
		"iat":    float64(now), "nbf": float64(now), "exp": float64(now + 300),
	}
	if _, ok := claims["jti"].(string); !ok {
		t.Error("request object has no jti")
	}
	delete(claims, "jti")
	if diff := cmp.Diff(want, claims); diff != "" {
		t.Errorf("request object claims (-want +got):\n%s", diff)
	}
	if typ != "oauth-authz-req+jwt" {
		t.Errorf("typ = %q; want oauth-authz-req+jwt", typ)
	}
}

func TestRequestObject_pushedAndEncrypted(t *testing.T) {
	t.Parallel()
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	clientKey, _ := jose.NewKey(ec, "ck", jose.ES256)
	encPriv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	encKey, _ := jose.NewEncryptionKey(encPriv, "as-enc", "")
	par := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusCreated, map[string]any{"request_uri": "urn:x", "expires_in": 60})
	})
	s := mustSession(t, Config{ClientID: "cid", AuthURL: "https://as.example/authorize", PushedAuthURL: par.URL,
		AuthMethod: PrivateKeyJWT, ClientKey: clientKey,
		RequestObject: &RequestObjectConfig{EncryptionKey: encKey.Public(), Audience: "https://aud.example"}})
	if _, err := s.PushAuthorizationRequest(t.Context()); err != nil {
		t.Fatalf("PushAuthorizationRequest: %v", err)
	}
	form := par.last(t).Form
	if form.Get("client_assertion") == "" || form.Get("client_id") != "cid" || form.Has("state") {
		t.Errorf("pushed form %v; want client authentication, client_id and the request object only", form)
	}
	obj := form.Get("request")
	if !jose.IsEncrypted(obj) {
		t.Fatalf("pushed request object %q is not a JWE", obj)
	}
	inner, err := jose.Decrypt(obj, []*jose.Key{encKey}, jose.DecryptOptions{})
	if err != nil {
		t.Fatalf("Decrypt: %v", err)
	}
	_, claims := verifyRequestObject(t, string(inner), clientKey.Public())
	if claims["aud"] != "https://aud.example" || claims["response_type"] != "code" {
		t.Errorf("claims = %v; want the configured audience and the request", claims)
	}
}

func TestRequestObject_errors(t *testing.T) {
	t.Parallel()
	pub := &jose.Key{Key: &ecdsa.PublicKey{}}
	tests := []struct {
		name string
		cfg  Config
	}{
		{name: "no key", cfg: Config{ClientID: "cid", AuthURL: "https://as.example/a"}},
		{name: "public key", cfg: Config{ClientID: "cid", AuthURL: "https://as.example/a", RequestObject: &RequestObjectConfig{Key: pub}}},
		{name: "short secret", cfg: Config{ClientID: "cid", ClientSecret: "short", AuthURL: "https://as.example/a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := mustSession(t, tt.cfg)
			if _, err := s.AuthorizationURL(WithRequestObject()); !errors.Is(err, ErrRequestObject) {
				t.Errorf("AuthorizationURL(WithRequestObject()) = %v; want ErrRequestObject", err)
			}
		})
	}
}

func sortedKeys(v url.Values) []string {
	return slices.Sorted(maps.Keys(v))
}
