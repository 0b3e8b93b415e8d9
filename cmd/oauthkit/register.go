package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/registration"
	"github.com/spf13/cobra"
)

// registerFlags are the flags of "oauthkit register".
type registerFlags struct {
	profile      string
	issuer       string
	endpoint     string
	tokenFile    string
	clientName   string
	authMethod   string
	keyFile      string
	redirectURIs []string
	grantTypes   []string
	scopes       []string
}

const registerLong = `register registers a new client at the provider (OpenID Connect Dynamic
Client Registration, RFC 7591) and saves it as the profile NAME, ready for
"oauthkit login -p NAME".

The registration endpoint comes from the discovery of --issuer, or from
--registration-url. A provider that does not allow open registration wants
an initial access token: give it in --initial-access-token-file or in
OAUTHKIT_INITIAL_ACCESS_TOKEN.

The client is registered as a native application with the loopback redirect
URI http://127.0.0.1/callback (RFC 8252; give --redirect-uri otherwise), the
authorization_code and refresh_token grants, and client_secret_basic, or
private_key_jwt with the public half of --key-file, or --auth-method.

The client information response is printed on stdout, its client secret and
registration access token shortened unless --show-secrets. Keep the
registration access token: it reads, updates and deletes the registration
(RFC 7592).

Keycloak, oidc-provider and other OpenID providers register clients this
way. GitHub and Google offer no dynamic registration, and Okta's client API
wants an Okta API token rather than an initial access token: register their
clients in their consoles.`

const registerExample = `  # Keycloak, with an initial access token from its admin console
  OAUTHKIT_INITIAL_ACCESS_TOKEN=eyJ... oauthkit register -p kc \
    --issuer https://sso.example.com/realms/main --client-name "my laptop"
  oauthkit login -p kc

  # A client credentials service: a private_key_jwt client whose key stays here
  oauthkit register -p svc --issuer https://auth.example.com --key-file client.pem \
    --grant-type client_credentials --scope reports.read`

func (a *app) newRegisterCmd() *cobra.Command {
	rf := &registerFlags{}
	cmd := &cobra.Command{
		Use:     "register -p NAME --issuer URL",
		Short:   "Register a new client dynamically and save it as a profile",
		Long:    registerLong,
		Example: registerExample,
		Args:    exactArgs(0),
		RunE:    func(cmd *cobra.Command, _ []string) error { return a.runRegister(cmd.Context(), rf) },
	}
	f := cmd.Flags()
	f.StringVarP(&rf.profile, "profile", "p", "", "save the new client under this name")
	f.StringVar(&rf.issuer, "issuer", "", "issuer URL: the registration endpoint comes from its discovery document")
	f.StringVar(&rf.endpoint, "registration-url", "", "registration endpoint URL, instead of discovery")
	f.StringVar(&rf.tokenFile, "initial-access-token-file", "", "file holding the initial access token (or set OAUTHKIT_INITIAL_ACCESS_TOKEN)")
	f.StringVar(&rf.clientName, "client-name", "oauthkit", "client_name to register")
	f.StringVar(&rf.authMethod, "auth-method", "", "token_endpoint_auth_method: "+strings.Join(authMethodNames(), ", ")+" (default: private_key_jwt with --key-file, else client_secret_basic)")
	f.StringVar(&rf.keyFile, "key-file", "", "private key (PEM or JWK) whose public half is registered, for private_key_jwt")
	f.StringArrayVar(&rf.redirectURIs, "redirect-uri", nil, "redirect URI to register; repeatable (default http://127.0.0.1/callback)")
	f.StringArrayVar(&rf.grantTypes, "grant-type", nil, "grant type to register; repeatable (default authorization_code and refresh_token)")
	f.StringArrayVar(&rf.scopes, "scope", nil, "scope the client may use; repeatable or space-separated")
	return cmd
}

func (a *app) runRegister(ctx context.Context, rf *registerFlags) error {
	if rf.profile == "" {
		return usageError{errors.New("register needs -p NAME for the new profile")}
	}
	p := &profile{Issuer: rf.issuer, KeyFile: rf.keyFile, Scopes: splitScopes(rf.scopes)}
	endpoint := rf.endpoint
	if p.Issuer != "" {
		prov, err := a.provider(ctx, p, true)
		if err != nil {
			return err
		}
		endpoint = cmp.Or(endpoint, prov.Metadata().RegistrationEndpoint)
	}
	if endpoint == "" {
		return usageError{errors.New("no registration endpoint: give --issuer of a provider that has one, or --registration-url")}
	}
	m, err := rf.metadata()
	if err != nil {
		return err
	}
	token, err := a.initialAccessToken(rf.tokenFile)
	if err != nil {
		return err
	}
	r, err := registration.New(registration.Config{Endpoint: endpoint, InitialAccessToken: token,
		HTTPClient: a.httpClient(), InsecureAllowHTTP: a.insecureTransport()})
	if err != nil {
		return usageError{err}
	}
	c, err := r.Register(ctx, m)
	if err != nil {
		return tried(err, "registering a client at %s", endpoint)
	}
	p.ClientID, p.ClientSecret, p.AuthMethod = c.ClientID, c.ClientSecret, c.TokenEndpointAuthMethod
	st, err := a.store()
	if err != nil {
		return err
	}
	if err := st.saveProfile(rf.profile, p); err != nil {
		return tried(err, "saving profile %q", rf.profile)
	}
	fmt.Fprintf(a.stderr, "Registered client %s; saved as profile %q.\n", c.ClientID, rf.profile)
	return a.printRegistered(c)
}

// metadata is the client metadata of the flags.
func (rf *registerFlags) metadata() (registration.Metadata, error) {
	m := registration.Metadata{
		ClientName:              rf.clientName,
		ApplicationType:         "native",
		RedirectURIs:            rf.redirectURIs,
		GrantTypes:              rf.grantTypes,
		TokenEndpointAuthMethod: rf.authMethod,
		Scope:                   strings.Join(splitScopes(rf.scopes), " "),
	}
	if len(m.RedirectURIs) == 0 {
		m.RedirectURIs = []string{"http://127.0.0.1" + loopbackPath}
	}
	if len(m.GrantTypes) == 0 {
		m.GrantTypes = []string{"authorization_code", "refresh_token"}
	}
	if m.TokenEndpointAuthMethod == "" {
		m.TokenEndpointAuthMethod = oauthkit.ClientSecretBasic
		if rf.keyFile != "" {
			m.TokenEndpointAuthMethod = oauthkit.PrivateKeyJWT
		}
	}
	if rf.keyFile != "" {
		key, err := loadKey(rf.keyFile)
		if err != nil {
			return m, err
		}
		m.JWKS = &jose.KeySet{Keys: []*jose.Key{key}} // sent public only
	}
	if m.TokenEndpointAuthMethod == oauthkit.PrivateKeyJWT && m.JWKS == nil {
		return m, usageError{errors.New("--auth-method private_key_jwt needs --key-file")}
	}
	return m, nil
}

// initialAccessToken reads --initial-access-token-file or
// OAUTHKIT_INITIAL_ACCESS_TOKEN; empty means open registration.
func (a *app) initialAccessToken(file string) (string, error) {
	if file == "" {
		return strings.TrimSpace(a.getenv("OAUTHKIT_INITIAL_ACCESS_TOKEN")), nil
	}
	b, err := readFlagFile("--initial-access-token-file", file)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// registeredView is the client information on stdout.
type registeredView struct {
	ClientID                string   `json:"client_id"`
	ClientSecret            string   `json:"client_secret,omitempty"`
	ClientSecretExpiresAt   string   `json:"client_secret_expires_at,omitempty"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method,omitempty"`
	RedirectURIs            []string `json:"redirect_uris,omitempty"`
	GrantTypes              []string `json:"grant_types,omitempty"`
	RegistrationAccessToken string   `json:"registration_access_token,omitempty"`
	RegistrationClientURI   string   `json:"registration_client_uri,omitempty"`
}

// printRegistered writes the registered client, secrets shortened unless
// --show-secrets.
func (a *app) printRegistered(c *registration.Client) error {
	red := redactor{show: a.showSecrets}
	v := registeredView{
		ClientID: c.ClientID, ClientSecret: red.short(c.ClientSecret),
		TokenEndpointAuthMethod: c.TokenEndpointAuthMethod, RedirectURIs: c.RedirectURIs, GrantTypes: c.GrantTypes,
		RegistrationAccessToken: red.short(c.RegistrationAccessToken), RegistrationClientURI: c.RegistrationClientURI,
	}
	if !c.ClientSecretExpiresAt.IsZero() {
		v.ClientSecretExpiresAt = c.ClientSecretExpiresAt.Local().Format("2006-01-02T15:04:05Z07:00")
	}
	if a.output == outputText {
		fmt.Fprintf(a.stdout, "client_id:     %s\n", v.ClientID)
		if v.ClientSecret != "" {
			fmt.Fprintf(a.stdout, "client_secret: %s\n", v.ClientSecret)
		}
		fmt.Fprintf(a.stdout, "auth_method:   %s\n", v.TokenEndpointAuthMethod)
		return nil
	}
	return writeJSON(a.stdout, v)
}
