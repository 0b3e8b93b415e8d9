package assertion

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/oauthkit/oauthkit/jose"
)

// testRSAPEM is a PKCS #8 PEM RSA key, generated once.
var testRSAPEM = sync.OnceValue(func() string {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
})

// serviceAccountJSON returns a service-account file with changes applied.
func serviceAccountJSON(t testing.TB, changes map[string]any) []byte {
	t.Helper()
	m := map[string]any{
		"type": "service_account", "project_id": "proj", "private_key_id": "kid-1",
		"private_key": testRSAPEM(), "client_email": "svc@proj.iam.gserviceaccount.com",
		"client_id": "1234", "token_uri": "https://oauth2.example.com/token",
	}
	for k, v := range changes {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseServiceAccount(t *testing.T) {
	t.Parallel()
	sa, err := ParseServiceAccount(serviceAccountJSON(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	want := &ServiceAccount{ProjectID: "proj", ClientEmail: "svc@proj.iam.gserviceaccount.com", ClientID: "1234",
		PrivateKeyID: "kid-1", TokenURL: "https://oauth2.example.com/token"}
	if diff := cmp.Diff(want, sa, cmpopts.IgnoreFields(ServiceAccount{}, "Key")); diff != "" {
		t.Errorf("ParseServiceAccount() mismatch (-want +got):\n%s", diff)
	}
	if sa.Key == nil || !sa.Key.IsPrivate() {
		t.Errorf("Key = %v, want a private key", sa.Key)
	}
	sa, err = ParseServiceAccount(serviceAccountJSON(t, map[string]any{"token_uri": nil}))
	if err != nil || sa.TokenURL != googleTokenURL {
		t.Errorf("default token url = %v, %v", sa, err)
	}

	bad := []struct {
		name string
		data []byte
	}{
		{"not json", []byte("{")},
		{"array", []byte("[]")},
		{"wrong type", serviceAccountJSON(t, map[string]any{"type": "authorized_user"})},
		{"no email", serviceAccountJSON(t, map[string]any{"client_email": nil})},
		{"no key", serviceAccountJSON(t, map[string]any{"private_key": nil})},
		{"bad pem", serviceAccountJSON(t, map[string]any{"private_key": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"})},
		{"key of wrong type", serviceAccountJSON(t, map[string]any{"private_key": 42})},
	}
	for _, tc := range bad {
		_, err := ParseServiceAccount(tc.data)
		if err == nil {
			t.Errorf("%s: ParseServiceAccount() succeeded", tc.name)
			continue
		}
		if !strings.HasPrefix(err.Error(), "assertion: ") || strings.Contains(err.Error(), "BEGIN") {
			t.Errorf("%s: error %q lacks the prefix or shows key material", tc.name, err)
		}
	}
}

func TestServiceAccount_Config(t *testing.T) {
	t.Parallel()
	sa, err := ParseServiceAccount(serviceAccountJSON(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := sa.Config("s1", "s2")
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		TokenURL: "https://oauth2.example.com/token", Issuer: "svc@proj.iam.gserviceaccount.com",
		Audience: "https://oauth2.example.com/token", Claims: map[string]any{"scope": "s1 s2"},
		Header: map[string]any{"alg": jose.RS256, "kid": "kid-1"},
	}
	if diff := cmp.Diff(want, cfg, cmpopts.IgnoreFields(Config{}, "Key")); diff != "" {
		t.Errorf("Config() mismatch (-want +got):\n%s", diff)
	}
	v, err := JWTBearer(cfg).TokenParams(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jose.Verify(t.Context(), v.Get("assertion"), &jose.KeySet{Keys: []*jose.Key{withKID(sa.Key.Public(), "kid-1")}}, jose.VerifyOptions{}); err != nil {
		t.Errorf("assertion does not verify with the account's public key: %v", err)
	}
	if _, err := (*ServiceAccount)(nil).Config(); err == nil {
		t.Error("nil ServiceAccount.Config() succeeded")
	}
}

func withKID(k *jose.Key, kid string) *jose.Key {
	c := *k
	c.KeyID = kid
	return &c
}

func TestServiceAccount_String_redactsKey(t *testing.T) {
	t.Parallel()
	sa, err := ParseServiceAccount(serviceAccountJSON(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := sa.Config("s")
	cfg.ClientSecret = "top-secret-value"
	var logBuf bytes.Buffer
	slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("x", "sa", sa, "sa2", *sa, "cfg", cfg)
	outputs := []string{
		fmt.Sprint(sa), fmt.Sprintf("%v %+v %#v %s", *sa, *sa, *sa, *sa), fmt.Sprintf("%+v %#v", cfg, cfg), logBuf.String(),
	}
	rsaKey := sa.Key.Key.(*rsa.PrivateKey)
	secrets := []string{"PRIVATE KEY", rsaKey.D.String()[:20], rsaKey.Primes[0].String()[:20], "top-secret-value"}
	for _, out := range outputs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("output shows secret %.20q: %.200s", s, out)
			}
		}
		if !strings.Contains(out, "svc@proj") {
			t.Errorf("output lacks the client email: %.200s", out)
		}
	}
}
