package assertion_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"

	"github.com/oauthkit/oauthkit/assertion"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// The seed's AssertionSession with a Google-style service account: the
// session signs an assertion (iss = client_email, aud = token_uri, the
// scope as a claim, kid = private_key_id) and fetches its token by itself
// on first use.
func ExampleNewSession() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	conf := serviceAccountFile(srv) // the contents of MyProject-1234.json

	sa, err := assertion.ParseServiceAccount(conf)
	if err != nil {
		log.Fatal(err)
	}
	cfg, err := sa.Config("read")
	if err != nil {
		log.Fatal(err)
	}
	session, err := assertion.NewSession(cfg)
	if err != nil {
		log.Fatal(err)
	}
	resp, err := session.Get(context.Background(), srv.ResourceURL())
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var seen struct{ Sub, Scope string }
	_ = json.Unmarshal(body, &seen)
	fmt.Println(resp.StatusCode, seen.Sub, seen.Scope)
	// Output: 200 svc@my-project.iam.example read
}

// The grant configured by hand, with a subject (Google's domain-wide
// delegation) and a scope parameter.
func ExampleJWTBearer() {
	srv := oauthtest.NewServer()
	defer srv.Close()
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	signer, _ := jose.NewKey(key, "key-1", jose.RS256)
	srv.TrustIssuer("robot@example.com", signer)

	session, err := assertion.NewSession(assertion.Config{
		TokenURL: srv.TokenURL(),
		Issuer:   "robot@example.com",
		Subject:  "user-1",
		Key:      signer,
		Scopes:   []string{"read"},
	})
	if err != nil {
		log.Fatal(err)
	}
	resp, err := session.Get(context.Background(), srv.ResourceURL())
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	var seen struct{ Sub, Scope string }
	_ = json.NewDecoder(resp.Body).Decode(&seen)
	fmt.Println(resp.StatusCode, seen.Sub, seen.Scope)
	// Output: 200 user-1 read
}

// serviceAccountFile makes a service-account file whose key srv trusts.
func serviceAccountFile(srv *oauthtest.Server) []byte {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		log.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	pub, _ := jose.NewKey(&key.PublicKey, "kid-1", jose.RS256)
	srv.TrustIssuer("svc@my-project.iam.example", pub)
	conf, _ := json.Marshal(map[string]string{
		"type":           "service_account",
		"project_id":     "my-project",
		"private_key_id": "kid-1",
		"private_key":    string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email":   "svc@my-project.iam.example",
		"client_id":      "1234567890",
		"token_uri":      srv.TokenURL(),
	})
	return conf
}
