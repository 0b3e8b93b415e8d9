package oauthtest_test

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
)

const assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// sign signs claims with key and alg, failing the test on error.
func sign(t *testing.T, key *jose.Key, alg string, claims map[string]any) string {
	t.Helper()
	tok, err := jose.Sign(key, alg, nil, claims)
	if err != nil {
		t.Fatalf("Sign(%s): %v", alg, err)
	}
	return tok
}

// clientClaims are valid client assertion claims for client id at now.
func clientClaims(id, aud string, now time.Time) map[string]any {
	return map[string]any{
		"iss": id, "sub": id, "aud": aud, "jti": rand.Text(),
		"iat": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
	}
}

// jwtClients are the clients of a client JWT authentication test.
type jwtClients struct {
	srv          *oauthtest.Server
	now          time.Time
	secret       oauthtest.Client // client_secret_jwt
	private      oauthtest.Client // private_key_jwt with PublicKey
	set          oauthtest.Client // private_key_jwt with JWKS
	basic        oauthtest.Client
	es256, eddsa *jose.Key
}

func newJWTClients(t *testing.T) *jwtClients {
	t.Helper()
	srv, clk := newClockServer(t, nil)
	j := &jwtClients{srv: srv, now: clk.Now(), es256: newES256(t, "c1"), eddsa: newEdDSA(t, "c2")}
	j.secret = srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.ClientSecretJWT})
	j.private = srv.RegisterClient(oauthtest.Client{AuthMethod: oauthtest.PrivateKeyJWT, PublicKey: j.es256})
	j.set = srv.RegisterClient(oauthtest.Client{
		AuthMethod: oauthtest.PrivateKeyJWT, JWKS: &jose.KeySet{Keys: []*jose.Key{j.es256, j.eddsa}},
	})
	j.basic = srv.RegisterClient(oauthtest.Client{})
	return j
}

func (j *jwtClients) secretKey(c oauthtest.Client) *jose.Key {
	return &jose.Key{Key: []byte(c.Secret)}
}

// jwtAuthCase authenticates a client_credentials request with an assertion.
type jwtAuthCase struct {
	name string
	// build returns the client ID to send (empty: none), the assertion
	// and its type.
	build    func(t *testing.T, j *jwtClients) (clientID, assertion, typ string)
	wantDesc string // "" means success
}

func (tc jwtAuthCase) run(t *testing.T) {
	t.Parallel()
	j := newJWTClients(t)
	id, assertion, typ := tc.build(t, j)
	form := url.Values{"grant_type": {"client_credentials"}, "client_assertion": {assertion}, "client_assertion_type": {typ}}
	if id != "" {
		form.Set("client_id", id)
	}
	r := do(t, j.srv, newPost(t, j.srv.TokenURL(), form))
	if tc.wantDesc == "" {
		wantToken(t, r)
		return
	}
	wantError(t, r, http.StatusUnauthorized, "invalid_client")
	if got := r.str("error_description"); !strings.Contains(got, tc.wantDesc) {
		t.Errorf("error_description = %q; want it to contain %q", got, tc.wantDesc)
	}
}

// assertionFor builds a case where c signs claims changed by mutate.
func assertionFor(pick func(j *jwtClients) (oauthtest.Client, *jose.Key, string), mutate func(j *jwtClients, c map[string]any)) func(*testing.T, *jwtClients) (string, string, string) {
	return func(t *testing.T, j *jwtClients) (string, string, string) {
		c, key, alg := pick(j)
		claims := clientClaims(c.ID, j.srv.TokenURL(), j.now)
		if mutate != nil {
			mutate(j, claims)
		}
		return c.ID, sign(t, key, alg, claims), assertionType
	}
}

func bySecret(alg string) func(j *jwtClients) (oauthtest.Client, *jose.Key, string) {
	return func(j *jwtClients) (oauthtest.Client, *jose.Key, string) { return j.secret, j.secretKey(j.secret), alg }
}

func byPrivateKey(j *jwtClients) (oauthtest.Client, *jose.Key, string) {
	return j.private, j.es256, jose.ES256
}

func byJWKS(j *jwtClients) (oauthtest.Client, *jose.Key, string) { return j.set, j.eddsa, jose.EdDSA }

func setClaim(k string, v any) func(*jwtClients, map[string]any) {
	return func(_ *jwtClients, c map[string]any) {
		if v == nil {
			delete(c, k)
			return
		}
		c[k] = v
	}
}

func TestClientAuthentication_jwt(t *testing.T) {
	t.Parallel()
	tests := []jwtAuthCase{
		{name: "client_secret_jwt HS256", build: assertionFor(bySecret(jose.HS256), nil)},
		{name: "client_secret_jwt HS512", build: assertionFor(bySecret(jose.HS512), nil)},
		{name: "private_key_jwt PublicKey", build: assertionFor(byPrivateKey, nil)},
		{name: "private_key_jwt JWKS", build: assertionFor(byJWKS, nil)},
		{name: "audience is the issuer", build: assertionFor(byPrivateKey, func(j *jwtClients, c map[string]any) { c["aud"] = j.srv.URL })},
		{name: "audience array", build: assertionFor(byPrivateKey, func(j *jwtClients, c map[string]any) {
			c["aud"] = []string{"https://other.example", j.srv.TokenURL()}
		})},
		{name: "no client_id", build: func(t *testing.T, j *jwtClients) (string, string, string) {
			_, a, typ := assertionFor(byJWKS, nil)(t, j)
			return "", a, typ
		}},
		{name: "wrong assertion type", wantDesc: "client_assertion_type must be", build: func(t *testing.T, j *jwtClients) (string, string, string) {
			id, a, _ := assertionFor(byPrivateKey, nil)(t, j)
			return id, a, "urn:ietf:params:oauth:client-assertion-type:saml2-bearer"
		}},
		{name: "assertion missing", wantDesc: "client_assertion required", build: func(_ *testing.T, j *jwtClients) (string, string, string) {
			return j.private.ID, "", assertionType
		}},
		{name: "wrong secret", wantDesc: "invalid signature", build: func(t *testing.T, j *jwtClients) (string, string, string) {
			claims := clientClaims(j.secret.ID, j.srv.TokenURL(), j.now)
			return j.secret.ID, sign(t, &jose.Key{Key: []byte(strings.Repeat("x", 32))}, jose.HS256, claims), assertionType
		}},
		{name: "secret client signs with a private key", wantDesc: "algorithm not allowed", build: func(t *testing.T, j *jwtClients) (string, string, string) {
			return j.secret.ID, sign(t, j.es256, jose.ES256, clientClaims(j.secret.ID, j.srv.TokenURL(), j.now)), assertionType
		}},
		{name: "private key client signs with HMAC", wantDesc: "algorithm not allowed", build: func(t *testing.T, j *jwtClients) (string, string, string) {
			key := &jose.Key{Key: []byte(strings.Repeat("k", 32))}
			return j.private.ID, sign(t, key, jose.HS256, clientClaims(j.private.ID, j.srv.TokenURL(), j.now)), assertionType
		}},
		{name: "unregistered private key", wantDesc: "invalid signature", build: func(t *testing.T, j *jwtClients) (string, string, string) {
			return j.private.ID, sign(t, newES256(t, "c1"), jose.ES256, clientClaims(j.private.ID, j.srv.TokenURL(), j.now)), assertionType
		}},
		{name: "alg none", wantDesc: "malformed", build: func(_ *testing.T, j *jwtClients) (string, string, string) {
			return j.private.ID, "eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.", assertionType
		}},
		{name: "wrong iss", wantDesc: "iss", build: assertionFor(byPrivateKey, setClaim("iss", "someone"))},
		{name: "wrong sub", wantDesc: "sub", build: assertionFor(byPrivateKey, setClaim("sub", "someone"))},
		{name: "other client's id", wantDesc: "iss", build: func(t *testing.T, j *jwtClients) (string, string, string) {
			_, a, typ := assertionFor(byPrivateKey, nil)(t, j)
			return j.set.ID, a, typ
		}},
		{name: "wrong aud", wantDesc: "aud", build: assertionFor(byPrivateKey, setClaim("aud", "https://other.example/token"))},
		{name: "no aud", wantDesc: "aud", build: assertionFor(byPrivateKey, setClaim("aud", nil))},
		{name: "malformed aud", wantDesc: "claims malformed", build: assertionFor(byPrivateKey, setClaim("aud", 42))},
		{name: "no exp", wantDesc: "exp missing", build: assertionFor(byPrivateKey, setClaim("exp", nil))},
		{name: "expired", wantDesc: "expired", build: assertionFor(byPrivateKey, func(j *jwtClients, c map[string]any) {
			c["exp"] = j.now.Add(-time.Second).Unix()
		})},
		{name: "exp too far", wantDesc: "more than one hour", build: assertionFor(byPrivateKey, func(j *jwtClients, c map[string]any) {
			c["exp"] = j.now.Add(2 * time.Hour).Unix()
		})},
		{name: "nbf in the future", wantDesc: "nbf", build: assertionFor(byPrivateKey, func(j *jwtClients, c map[string]any) {
			c["nbf"] = j.now.Add(10 * time.Minute).Unix()
		})},
		{name: "iat in the future", wantDesc: "iat", build: assertionFor(byPrivateKey, func(j *jwtClients, c map[string]any) {
			c["iat"] = j.now.Add(10 * time.Minute).Unix()
		})},
		{name: "no jti", wantDesc: "jti missing", build: assertionFor(byPrivateKey, setClaim("jti", nil))},
		{name: "basic client sends an assertion", wantDesc: "client_secret_basic", build: func(t *testing.T, j *jwtClients) (string, string, string) {
			return j.basic.ID, sign(t, j.es256, jose.ES256, clientClaims(j.basic.ID, j.srv.TokenURL(), j.now)), assertionType
		}},
		{name: "unknown client", wantDesc: "unknown client", build: func(t *testing.T, j *jwtClients) (string, string, string) {
			return "", sign(t, j.es256, jose.ES256, clientClaims("nobody", j.srv.TokenURL(), j.now)), assertionType
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

func TestClientAuthentication_jwtReplay(t *testing.T) {
	t.Parallel()
	j := newJWTClients(t)
	_, a, _ := assertionFor(byPrivateKey, nil)(t, j)
	form := url.Values{"grant_type": {"client_credentials"}, "client_assertion": {a}, "client_assertion_type": {assertionType}}
	wantToken(t, do(t, j.srv, newPost(t, j.srv.TokenURL(), form)))
	r := do(t, j.srv, newPost(t, j.srv.TokenURL(), form))
	wantError(t, r, http.StatusUnauthorized, "invalid_client")
	if !strings.Contains(r.str("error_description"), "already used") {
		t.Errorf("error_description = %q; want a replay", r.str("error_description"))
	}
}

func TestClientAuthentication_jwtOtherEndpoints(t *testing.T) {
	t.Parallel()
	j := newJWTClients(t)
	assertion := func(aud string) url.Values {
		claims := clientClaims(j.secret.ID, aud, j.now)
		return url.Values{"client_assertion": {sign(t, j.secretKey(j.secret), jose.HS384, claims)}, "client_assertion_type": {assertionType}}
	}
	form := assertion(j.srv.TokenURL())
	form.Set("grant_type", "client_credentials")
	tok := do(t, j.srv, newPost(t, j.srv.TokenURL(), form)).str("access_token")

	form = assertion(j.srv.IntrospectionURL())
	form.Set("token", tok)
	if r := do(t, j.srv, newPost(t, j.srv.IntrospectionURL(), form)); r.body["active"] != true {
		t.Errorf("introspection with the endpoint as aud: HTTP %d %s", r.status, short(r.raw))
	}
	form = assertion(j.srv.URL)
	form.Set("token", tok)
	if r := do(t, j.srv, newPost(t, j.srv.RevocationURL(), form)); r.status != http.StatusOK {
		t.Errorf("revocation with the issuer as aud: HTTP %d %s", r.status, short(r.raw))
	}
	if r := get(t, j.srv, j.srv.ResourceURL(), tok); r.status != http.StatusUnauthorized {
		t.Errorf("revoked token still works: HTTP %d", r.status)
	}
	form = assertion(j.srv.RevocationURL())
	if r := do(t, j.srv, newPost(t, j.srv.DeviceAuthorizationURL(), form)); r.status != http.StatusUnauthorized {
		t.Errorf("device authorization with another endpoint's aud: HTTP %d; want 401", r.status)
	}
}

func TestClientAuthentication_jwtClientSendsSecret(t *testing.T) {
	t.Parallel()
	j := newJWTClients(t)
	c := j.secret
	c.AuthMethod = oauthtest.ClientSecretBasic
	wantError(t, clientCredentials(t, j.srv, c, ""), http.StatusUnauthorized, "invalid_client")
	if len(j.secret.Secret) < 64 || j.private.Secret != "" {
		t.Errorf("generated secrets: client_secret_jwt %d bytes, private_key_jwt %q; want >= 64 bytes and none",
			len(j.secret.Secret), j.private.Secret)
	}
}
