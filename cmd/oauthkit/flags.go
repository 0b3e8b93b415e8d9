package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/oauthkit/oauthkit"
	"github.com/spf13/cobra"
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
	params     []string
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
	f.StringVar(&cf.secretFile, "client-secret-file", "", "file holding the client secret, or a Google-style client JSON file (or set OAUTHKIT_CLIENT_SECRET)")
	f.StringArrayVar(&cf.scopes, "scope", nil, "scope to request; repeatable or space-separated (with --issuer and no --scope: openid)")
	f.StringVar(&cf.p.AuthMethod, "auth-method", "", "client authentication: "+strings.Join(authMethodNames(), ", "))
	f.StringVar(&cf.p.KeyFile, "key-file", "", "private key (PEM or JWK) for private_key_jwt")
	f.StringVar(&cf.p.Audience, "audience", "", "audience parameter of the authorization and token requests (Auth0)")
	f.StringArrayVar(&cf.p.Resources, "resource", nil, "resource indicator of the authorization and token requests (RFC 8707); repeatable")
	f.StringArrayVar(&cf.params, "param", nil, "NAME=VALUE parameter of the authorization and token requests; repeatable")
	registerSenderFlags(f, &cf.p.senderProfile)
}

// authMethodNames lists the names --auth-method accepts: the standard
// methods only. The demo's custom client_secret_uri puts the secret in the
// URL, where logs and proxies keep it, so it is not offered here.
func authMethodNames() []string {
	return []string{oauthkit.ClientSecretBasic, oauthkit.ClientSecretPost, oauthkit.AuthNone,
		oauthkit.ClientSecretJWT, oauthkit.PrivateKeyJWT, oauthkit.TLSClientAuth, oauthkit.SelfSignedTLSClientAuth}
}

// resolve merges the saved profile (if -p names one) under the flags. For
// login (create), a profile of another client or server is replaced, and
// changing a profile says which saved settings it keeps.
func (cf *clientFlags) resolve(a *app) (*profile, error) {
	p, err := cf.given(a)
	if err != nil {
		return nil, err
	}
	if cf.profile != "" {
		st, err := a.store()
		if err != nil {
			return nil, err
		}
		saved, err := st.loadProfile(cf.profile)
		switch {
		case err == nil && cf.create && !sameServer(p, saved):
			a.warn("replacing profile %q, which was for client %s at %s", cf.profile, saved.ClientID, saved.server())
		case err == nil:
			if cf.create {
				a.noteKept(cf.profile, p, saved)
			}
			mergeProfile(p, saved)
		case !cf.create || !errors.Is(err, errNoProfile):
			return nil, err
		}
	}
	if p.ClientID == "" {
		return nil, usageError{errors.New("no client id: give --client-id or --profile")}
	}
	return p, nil
}

// given is the profile the flags, the client secret file and
// OAUTHKIT_CLIENT_SECRET describe.
func (cf *clientFlags) given(a *app) (*profile, error) {
	p := cf.p
	p.Resources = splitScopes(cf.p.Resources)
	if len(cf.scopes) > 0 {
		p.Scopes = splitScopes(cf.scopes)
	}
	params, err := parseParams(cf.params)
	if err != nil {
		return nil, err
	}
	p.Params = params
	if cf.secretFile != "" {
		b, err := readFlagFile("--client-secret-file", cf.secretFile)
		if err != nil {
			return nil, err
		}
		if err := fillFromSecretFile(&p, cf.secretFile, b); err != nil {
			return nil, err
		}
	} else {
		p.ClientSecret = a.getenv("OAUTHKIT_CLIENT_SECRET")
	}
	return &p, nil
}

// noteKept warns, when the flags of a login change a saved profile, which
// of its settings the profile keeps.
func (a *app) noteKept(name string, given, saved *profile) {
	changed, kept := changes(given, saved)
	if len(changed) == 0 || len(kept) == 0 {
		return
	}
	a.warn("profile %q: changing %s; keeping %s (give them again to change them, or log out first)",
		name, strings.Join(changed, ", "), strings.Join(kept, ", "))
}

// googleClient is the client JSON file Google's console downloads: one of
// "installed" (desktop apps) or "web".
type googleClient struct {
	Installed *googleClientInfo `json:"installed"`
	Web       *googleClientInfo `json:"web"`
}

type googleClientInfo struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	AuthURI      string `json:"auth_uri"`
	TokenURI     string `json:"token_uri"`
}

// fillFromSecretFile reads the client secret from b, the contents of
// --client-secret-file: the secret itself, trimmed like a typed one, or
// a Google-style client JSON file, whose client id and endpoints fill
// what the flags leave empty (the endpoints only without --issuer).
func fillFromSecretFile(p *profile, name string, b []byte) error {
	trimmed := bytes.TrimSpace(b)
	if !bytes.HasPrefix(trimmed, []byte("{")) {
		p.ClientSecret = string(trimmed)
		if p.ClientSecret == "" {
			return usageError{fmt.Errorf("--client-secret-file %s is empty", name)}
		}
		return nil
	}
	var gc googleClient
	if err := json.Unmarshal(trimmed, &gc); err != nil {
		return usageError{fmt.Errorf("--client-secret-file %s: not a client JSON file: %w", name, err)}
	}
	c := gc.Installed
	if c == nil {
		c = gc.Web
	}
	if c == nil || c.ClientID == "" {
		return usageError{fmt.Errorf("--client-secret-file %s: a client JSON file needs \"installed\" or \"web\" with a client_id", name)}
	}
	if p.ClientID != "" && p.ClientID != c.ClientID {
		return usageError{fmt.Errorf("--client-id %s is not the client %s of --client-secret-file %s", p.ClientID, c.ClientID, name)}
	}
	p.ClientID, p.ClientSecret = c.ClientID, c.ClientSecret
	if p.Issuer == "" {
		p.AuthURL = cmp.Or(p.AuthURL, c.AuthURI)
		p.TokenURL = cmp.Or(p.TokenURL, c.TokenURI)
	}
	return nil
}
