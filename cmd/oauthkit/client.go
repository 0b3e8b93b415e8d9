package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oidc"
	"golang.org/x/term"
)

// prompt asks for a secret on the terminal without echoing it; ok is
// false when stdin is not a terminal.
func (a *app) prompt(label string) (secret string, ok bool, err error) {
	f, isFile := a.stdin.(*os.File)
	if !isFile || !term.IsTerminal(int(f.Fd())) {
		return "", false, nil
	}
	fmt.Fprintf(a.stderr, "%s: ", label)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(a.stderr)
	if err != nil {
		return "", false, err
	}
	return strings.TrimSpace(string(b)), true, nil
}

// httpClient returns the client of every request of a command: the
// command's own transport, logged with --verbose.
func (a *app) httpClient() *http.Client {
	return a.clientOver(a.transport)
}

// config builds the session configuration of p. With an issuer, the
// endpoints and ID token validation come from its discovery document: the
// one saved in the profile unless fresh is set or there is none, else a
// new one (p.Discovery is then updated and p.discovered set).
func (a *app) config(ctx context.Context, p *profile, fresh bool) (oauthkit.Config, *oidc.Provider, error) {
	cfg := oauthkit.Config{
		ClientID: p.ClientID, ClientSecret: p.ClientSecret,
		AuthURL: p.AuthURL, TokenURL: p.TokenURL, RevocationURL: p.RevocationURL,
		IntrospectionURL: p.IntrospectionURL, DeviceAuthURL: p.DeviceAuthURL,
		Scopes: p.Scopes, AuthMethod: p.AuthMethod,
		HTTPClient: a.httpClient(), InsecureAllowHTTP: a.insecureTransport(),
	}
	if p.KeyFile != "" {
		key, err := loadKey(p.KeyFile)
		if err != nil {
			return cfg, nil, err
		}
		cfg.ClientKey = key
	}
	if err := a.senderConfig(&cfg, p); err != nil {
		return cfg, nil, err
	}
	var prov *oidc.Provider
	if p.Issuer == "" {
		if cfg.AuthMethod == "" && cfg.ClientSecret == "" {
			cfg.AuthMethod = oauthkit.AuthNone
		}
	} else {
		var err error
		if prov, err = a.provider(ctx, p, fresh); err != nil {
			return cfg, nil, err
		}
		if cfg, err = prov.Config(cfg); err != nil {
			return cfg, nil, tried(err, "configuring the client from %s", p.Issuer)
		}
	}
	loggedSender(&cfg, p)
	if extra := p.extraParams(); len(extra) > 0 {
		cfg.Hooks.RefreshTokenRequest = append(cfg.Hooks.RefreshTokenRequest, addParams(extra))
	}
	return cfg, prov, profileGrant(&cfg, p)
}

// provider returns the provider of p's issuer, from the saved discovery
// document unless fresh is set or none is saved.
func (a *app) provider(ctx context.Context, p *profile, fresh bool) (*oidc.Provider, error) {
	hc, err := a.senderClient(p)
	if err != nil {
		return nil, err
	}
	pc := oidc.ProviderConfig{HTTPClient: hc, ClientID: p.ClientID, InsecureAllowHTTP: a.insecureTransport()}
	if d := p.Discovery; !fresh && d != nil && d.Metadata != nil && d.Metadata.Issuer == p.Issuer {
		prov, err := oidc.NewProviderFromMetadata(d.Metadata, pc)
		return prov, tried(err, "the saved discovery document of %s", p.Issuer)
	}
	prov, err := oidc.NewProvider(ctx, p.Issuer, pc)
	if errors.Is(err, oidc.ErrDiscoveryIssuerMismatch) {
		if strings.HasSuffix(p.Issuer, "/") {
			err = withHint(err, "drop the trailing slash from --issuer")
		} else {
			err = withHint(err, "give --issuer exactly as the document names it; a trailing slash counts")
		}
	}
	if err != nil {
		return nil, tried(err, "discovering %s", p.Issuer)
	}
	p.Discovery = &discovery{FetchedAt: time.Now().UTC(), Metadata: prov.Metadata()}
	p.discovered = true
	return prov, nil
}

// maxFlagFile bounds the files flags name: secrets, keys, bodies.
const maxFlagFile = 16 << 20

// readFlagFile reads the file a flag names; failing to is a local error.
func readFlagFile(flag, name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, localError{fmt.Errorf("reading %s: %w", flag, err)}
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFlagFile+1))
	if err != nil {
		return nil, localError{fmt.Errorf("reading %s: %w", flag, err)}
	}
	if len(b) > maxFlagFile {
		return nil, usageError{fmt.Errorf("%s %s: larger than 16 MiB", flag, name)}
	}
	return b, nil
}

// loadKey reads a private key in PEM or JWK form.
func loadKey(file string) (*jose.Key, error) { return loadKeyFlag("--key-file", file) }

// loadKeyFlag reads the private key (PEM or JWK) of the file flag names.
func loadKeyFlag(flag, file string) (*jose.Key, error) {
	b, err := readFlagFile(flag, file)
	if err != nil {
		return nil, err
	}
	var key *jose.Key
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) {
		key, err = jose.ParseJWK(b)
	} else {
		key, err = jose.ParsePrivateKeyPEM(b)
	}
	if err != nil {
		return nil, usageError{fmt.Errorf("%s %s: %w", flag, file, err)}
	}
	return key, nil
}
