//go:build interop

package interop

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oidc"
	"go.uber.org/goleak"
)

var (
	// op is the provider process every test talks to, started by TestMain.
	op *provider
	// idp is op as oauthkit sees it: discovered by TestMain with
	// oidc.NewProvider, it completes session configs and verifies ID
	// tokens.
	idp *oidc.Provider
	// clientKey is the private_key_jwt client's signing key, made by
	// TestMain.
	clientKey *jose.Key
	// transport is shared by every HTTP client of the tests, so that TestMain
	// can close its idle connections before looking for leaked goroutines.
	transport = http.DefaultTransport.(*http.Transport).Clone()
	// httpClient makes the tests' back-channel requests.
	httpClient = &http.Client{Transport: transport, Timeout: 15 * time.Second}
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

// run starts the provider, discovers it, runs the tests, stops the
// provider and checks that no goroutine outlives them.
func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "oauthkit-interop-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	jwksFile, err := writeClientKey(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := writeMTLSFiles(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout+5*time.Second)
	defer cancel()
	if err := reserveWebApps(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if op, err = startProvider(jwksFile); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code := 1
	if idp, err = oidc.NewProvider(ctx, op.Issuer, oidc.ProviderConfig{HTTPClient: httpClient}); err != nil {
		fmt.Fprintf(os.Stderr, "interop: discovery: %v\n", err)
	} else {
		code = m.Run()
	}
	chrome.Close()
	if err := op.stop(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	if code != 0 {
		fmt.Fprintf(os.Stderr, "node stderr:\n%s", op.Stderr())
	}
	transport.CloseIdleConnections()
	if err := goleak.Find(); err != nil {
		fmt.Fprintf(os.Stderr, "goleak: %v\n", err)
		code = 1
	}
	return code
}

// writeClientKey makes the private_key_jwt client's P-256 key and writes its
// public JWKS to a file in dir for server.mjs (CLIENT_JWKS_FILE).
func writeClientKey(dir string) (string, error) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", fmt.Errorf("interop: generate client key: %w", err)
	}
	if clientKey, err = jose.NewKey(ec, privateKeyClientKeyID, jose.ES256); err != nil {
		return "", fmt.Errorf("interop: client key: %w", err)
	}
	pub := clientKey.Public()
	pub.Use = "sig"
	b, err := json.Marshal(jose.KeySet{Keys: []*jose.Key{pub}})
	if err != nil {
		return "", fmt.Errorf("interop: encode client jwks: %w", err)
	}
	file := filepath.Join(dir, "client-jwks.json")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		return "", fmt.Errorf("interop: %w", err)
	}
	return file, nil
}
