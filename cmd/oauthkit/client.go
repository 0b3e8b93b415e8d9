package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oidc"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// clientFlags are the flags that describe the client and the server. A
// saved profile supplies defaults; flags given on the command line win.
type clientFlags struct {
	profile string
	// create lets -p name a profile that does not exist yet (login).
	create     bool
	p          profile
	secretFile string
	scopes     []string
}

func (cf *clientFlags) register(cmd *cobra.Command, profileHelp string) {
	f := cmd.Flags()
	f.StringVarP(&cf.profile, "profile", "p", "", profileHelp)
	f.StringVar(&cf.p.Issuer, "issuer", "", "issuer URL: endpoints come from its discovery document")
	f.StringVar(&cf.p.AuthURL, "auth-url", "", "authorization endpoint URL")
	f.StringVar(&cf.p.TokenURL, "token-url", "", "token endpoint URL")
	f.StringVar(&cf.p.RevocationURL, "revocation-url", "", "revocation endpoint URL (RFC 7009)")
	f.StringVar(&cf.p.IntrospectionURL, "introspection-url", "", "introspection endpoint URL (RFC 7662)")
	f.StringVar(&cf.p.DeviceAuthURL, "device-auth-url", "", "device authorization endpoint URL (RFC 8628)")
	f.StringVar(&cf.p.UserInfoURL, "userinfo-url", "", "userinfo endpoint URL")
	f.StringVar(&cf.p.ClientID, "client-id", "", "client identifier")
	f.StringVar(&cf.secretFile, "client-secret-file", "", "file holding the client secret (or set OAUTHKIT_CLIENT_SECRET)")
	f.StringArrayVar(&cf.scopes, "scope", nil, "scope to request; repeatable or space-separated")
	f.StringVar(&cf.p.AuthMethod, "auth-method", "", "client authentication: "+strings.Join(authMethodNames(), ", "))
	f.StringVar(&cf.p.KeyFile, "key-file", "", "private key (PEM or JWK) for private_key_jwt")
}

// authMethodNames lists the names --auth-method accepts: the standard
// methods only. The demo's custom client_secret_uri puts the secret in the
// URL, where logs and proxies keep it, so it is not offered here.
func authMethodNames() []string {
	return []string{oauthkit.ClientSecretBasic, oauthkit.ClientSecretPost, oauthkit.AuthNone,
		oauthkit.ClientSecretJWT, oauthkit.PrivateKeyJWT}
}

// resolve merges the saved profile (if -p names one) under the flags.
func (cf *clientFlags) resolve(a *app) (*profile, error) {
	p := cf.p
	if len(cf.scopes) > 0 {
		p.Scopes = splitScopes(cf.scopes)
	}
	if cf.profile != "" {
		st, err := a.store()
		if err != nil {
			return nil, err
		}
		saved, err := st.loadProfile(cf.profile)
		switch {
		case err == nil:
			mergeProfile(&p, saved)
		case !cf.create || !errors.Is(err, errNoProfile):
			return nil, err
		}
	}
	secret, err := a.clientSecret(cf.secretFile)
	if err != nil {
		return nil, err
	}
	if secret != "" {
		p.ClientSecret = secret
	}
	if p.ClientID == "" {
		return nil, usageError{errors.New("no client id: give --client-id or --profile")}
	}
	return &p, nil
}

// mergeProfile fills the empty fields of p from saved.
func mergeProfile(p, saved *profile) {
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&p.Issuer, saved.Issuer)
	fill(&p.AuthURL, saved.AuthURL)
	fill(&p.TokenURL, saved.TokenURL)
	fill(&p.RevocationURL, saved.RevocationURL)
	fill(&p.IntrospectionURL, saved.IntrospectionURL)
	fill(&p.DeviceAuthURL, saved.DeviceAuthURL)
	fill(&p.UserInfoURL, saved.UserInfoURL)
	fill(&p.ClientID, saved.ClientID)
	fill(&p.ClientSecret, saved.ClientSecret)
	fill(&p.AuthMethod, saved.AuthMethod)
	fill(&p.KeyFile, saved.KeyFile)
	fill(&p.Grant, saved.Grant)
	fill(&p.Subject, saved.Subject)
	if len(p.Scopes) == 0 {
		p.Scopes = slices.Clone(saved.Scopes)
	}
	if p.Issuer == saved.Issuer {
		p.Discovery = saved.Discovery
	}
}

func splitScopes(in []string) []string {
	var out []string
	for _, s := range in {
		for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' }) {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// clientSecret reads the secret from --client-secret-file or
// OAUTHKIT_CLIENT_SECRET. A secret is never a flag value, so it does not
// end up in shell history or in the process list.
func (a *app) clientSecret(file string) (string, error) {
	if file != "" {
		b, err := readFlagFile("--client-secret-file", file)
		if err != nil {
			return "", err
		}
		return string(bytes.TrimRight(b, "\r\n")), nil
	}
	return a.getenv("OAUTHKIT_CLIENT_SECRET"), nil
}

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
	var rt http.RoundTripper = a.transport
	if a.verbose {
		rt = &logTransport{base: a.transport, w: a.stderr, red: redactor{show: a.showSecrets}, style: style{on: a.useColour(a.stderr)}}
	}
	return &http.Client{Transport: rt}
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
	if p.Issuer == "" {
		if cfg.AuthMethod == "" && cfg.ClientSecret == "" {
			cfg.AuthMethod = oauthkit.AuthNone
		}
		return cfg, nil, nil
	}
	prov, err := a.provider(ctx, p, fresh)
	if err != nil {
		return cfg, nil, err
	}
	cfg, err = prov.Config(cfg)
	return cfg, prov, tried(err, "configuring the client from %s", p.Issuer)
}

// provider returns the provider of p's issuer, from the saved discovery
// document unless fresh is set or none is saved.
func (a *app) provider(ctx context.Context, p *profile, fresh bool) (*oidc.Provider, error) {
	pc := oidc.ProviderConfig{HTTPClient: a.httpClient(), ClientID: p.ClientID, InsecureAllowHTTP: a.insecureTransport()}
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
func loadKey(file string) (*jose.Key, error) {
	b, err := readFlagFile("--key-file", file)
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
		return nil, usageError{fmt.Errorf("--key-file %s: %w", file, err)}
	}
	return key, nil
}
