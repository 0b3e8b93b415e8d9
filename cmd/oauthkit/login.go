package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/spf13/cobra"
)

// Grants of login --grant.
const (
	grantAuthorizationCode = "authorization_code"
	grantDeviceCode        = "device_code"
	grantClientCredentials = "client_credentials"
	grantPassword          = "password"
	grantJWTBearer         = "jwt-bearer"
)

type loginFlags struct {
	cf           clientFlags
	redirectPort int
	noBrowser    bool
	// qr is --qr; qrSet says whether it was given, else stderr decides.
	qr, qrSet bool
	username  string
	// wait is how long the browser login waits for the browser.
	wait time.Duration
	// front are --par, --request-object and --response-mode.
	front frontFlags
}

const loginExample = `  # GitHub: browser login (OAuth app whose callback is http://127.0.0.1:8400/callback)
  OAUTHKIT_CLIENT_SECRET=... oauthkit login --profile gh --client-id Ov23liEXAMPLE \
    --auth-url https://github.com/login/oauth/authorize \
    --token-url https://github.com/login/oauth/access_token \
    --redirect-port 8400 --scope "read:user user:email"

  # GitHub: device flow (no browser on this machine; scan the QR code instead)
  oauthkit login --profile gh --client-id Ov23liEXAMPLE --auth-method none --grant device_code \
    --device-auth-url https://github.com/login/device/code \
    --token-url https://github.com/login/oauth/access_token --scope read:user

  # Google, with OpenID Connect discovery and the client JSON file of its console
  oauthkit login --profile google --issuer https://accounts.google.com \
    --client-secret-file ~/Downloads/client_secret_123.apps.googleusercontent.com.json \
    --scope "openid email profile"

  # Auth0: a token for an API needs its audience
  oauthkit login --profile auth0 --issuer https://dev-123.us.auth0.com/ \
    --client-id EXAMPLE --audience https://api.example.com --scope "openid offline_access"

  # Okta: browser login for a native (public) app
  oauthkit login --profile okta --issuer https://dev-123.okta.com/oauth2/default \
    --client-id 0oaEXAMPLE --auth-method none --scope "openid profile offline_access"

  # Keycloak: device flow for a public client
  oauthkit login --profile kc --issuer https://sso.example.com/realms/main \
    --client-id cli --auth-method none --grant device_code --scope openid

  # A service with client credentials, for one API (RFC 8707 resource)
  OAUTHKIT_CLIENT_SECRET=... oauthkit login --profile svc --grant client_credentials \
    --token-url https://auth.example.com/oauth2/token --client-id reporting --scope reports.read \
    --resource https://api.example.com/reports`

const loginLong = `login obtains a token with the chosen grant and prints it.

The authorization code grant (the default, with PKCE) listens on a loopback
redirect URI, http://127.0.0.1:PORT/callback (RFC 8252): register it with
the provider, with --redirect-port if the provider wants a fixed port. The
browser opens on the authorization URL, or with --no-browser the URL is
printed. The device_code grant (RFC 8628) prints a code to enter on another
device, and a QR code of the verification URI when stderr is a terminal
(--qr draws it anyway, --qr=false never).

The jwt-bearer grant (RFC 7523) signs an assertion with --key-file whose
iss is the client id and whose sub is --subject.

The client secret comes from --client-secret-file, OAUTHKIT_CLIENT_SECRET
or a prompt on the terminal; never from a flag value. --client-secret-file
holds the secret, or is the client JSON file Google's console downloads
("installed" or "web"), which also gives the client id and, without
--issuer, the endpoints. A client with neither secret nor key is a public
client (--auth-method none), as the login says before the browser opens;
when the issuer's discovery does not allow public clients, the secret is
asked for first. For the password grant, the password comes from
OAUTHKIT_PASSWORD or a prompt.

With --issuer and no --scope, the scope is openid. --audience (Auth0),
--resource (RFC 8707, repeatable) and --param NAME=VALUE (repeatable) add
parameters to the authorization, device and token requests, renewals
included.

--par pushes the authorization request to the provider first (RFC 9126);
without it the request is pushed only when the provider's metadata
requires it. --request-object sends the request as a signed request object
(RFC 9101), signed with --key-file or the client secret. --response-mode
jwt (or query.jwt, form_post.jwt) asks for a signed response (JARM), which
is verified with the provider's keys before the code is redeemed.

Each exchange with the server is bounded by --timeout; the browser login
waits for the browser up to --wait, the device flow until its code expires.

The configuration and the token are saved as the profile NAME of
--profile, or as the profile "default" without it; later commands
("token", "request", "refresh", ...) use it with -p NAME, and the profile
"default" when given neither -p nor --client-id. Every refresh saves the
new token. Logging in again to a profile keeps the saved settings that no
flag changes, and says which; a login for another client or server
replaces the profile.`

func (a *app) newLoginCmd() *cobra.Command {
	lf := &loginFlags{}
	lf.cf.create = true
	cmd := &cobra.Command{
		Use:     "login",
		Short:   "Obtain a token and save it as a profile",
		Long:    loginLong,
		Example: loginExample,
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			lf.qrSet = cmd.Flags().Changed("qr")
			return a.runLogin(cmd.Context(), lf)
		},
	}
	lf.cf.register(cmd, "save the configuration and token under this name (default \"default\")")
	f := cmd.Flags()
	f.StringVar(&lf.cf.p.Grant, "grant", "", "authorization_code (default), device_code, client_credentials, password or jwt-bearer")
	f.IntVar(&lf.redirectPort, "redirect-port", 0, "port of the loopback redirect URI; 0 picks a free one")
	f.BoolVar(&lf.noBrowser, "no-browser", false, "print the authorization URL instead of opening a browser")
	f.BoolVar(&lf.qr, "qr", false, "draw the device flow's verification URI as a QR code (default: when stderr is a terminal)")
	f.StringVar(&lf.username, "username", "", "resource owner's name for the password grant")
	f.StringVar(&lf.cf.p.Subject, "subject", "", "sub of the jwt-bearer assertion (its iss is the client id)")
	f.DurationVar(&lf.wait, "wait", 5*time.Minute, "how long the browser login waits for the browser to come back (the device flow waits until its code expires)")
	lf.front.register(f)
	cmd.Annotations = map[string]string{ownTimeout: "yes"}
	return cmd
}

func (a *app) runLogin(ctx context.Context, lf *loginFlags) error {
	lf.cf.profile = cmp.Or(lf.cf.profile, "default")
	p, err := lf.cf.resolve(a)
	if err != nil {
		return err
	}
	grant := cmp.Or(p.Grant, grantAuthorizationCode)
	p.Grant = grant
	if p.Issuer != "" && len(p.Scopes) == 0 {
		p.Scopes = []string{"openid"}
	}
	if err := a.askSecret(p, grant); err != nil {
		return err
	}
	if err := lf.front.check(p, grant); err != nil {
		return err
	}
	dctx, cancel := a.bounded(ctx)
	defer cancel()
	if p.Issuer != "" {
		if _, err := a.provider(dctx, p, true); err != nil {
			return err
		}
	}
	if err := a.publicClient(p, grant); err != nil {
		return err
	}
	if err := ensureDPoPKey(p); err != nil {
		return err
	}
	cfg, prov, err := a.config(dctx, p, false)
	if err != nil {
		return err
	}
	if cfg.Store, err = a.tokenStore(lf.cf.profile); err != nil {
		return err
	}
	if err := lf.front.configure(&cfg); err != nil {
		return err
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		return err
	}
	tok, err := a.obtain(ctx, s, lf, p, grant)
	if err != nil {
		return err
	}
	if err := a.saveLogin(lf.cf.profile, p); err != nil {
		return err
	}
	a.loggedIn(ctx, s, prov, p, tok, lf.username)
	fmt.Fprintf(a.stderr, "Saved as profile %q.\n", lf.cf.profile)
	return a.printToken(tok, lf.cf.profile, false)
}

// obtain runs the login's grant. Each exchange with the server is bounded
// by --timeout; the wait for the user is not.
func (a *app) obtain(ctx context.Context, s *oauthkit.Session, lf *loginFlags, p *profile, grant string) (*oauthkit.Token, error) {
	if err := needEndpoints(p, s.Config(), grant); err != nil {
		return nil, err
	}
	switch grant {
	case grantAuthorizationCode:
		return a.loginCode(ctx, s, lf, p)
	case grantDeviceCode:
		return a.loginDevice(ctx, s, lf, p)
	case grantClientCredentials, grantJWTBearer:
		ctx, cancel := a.bounded(ctx)
		defer cancel()
		return fetchForProfile(ctx, s, grant)
	case grantPassword:
		if lf.username == "" {
			return nil, usageError{errors.New("the password grant needs --username")}
		}
		pw, err := a.secret("OAUTHKIT_PASSWORD", "Password for "+lf.username)
		if err != nil {
			return nil, err
		}
		ctx, cancel := a.bounded(ctx)
		defer cancel()
		tok, err := s.FetchToken(ctx, oauthkit.Password(lf.username, pw), p.tokenOptions()...)
		return tok, tried(err, "password grant for %q at %s", lf.username, s.Config().TokenURL)
	}
	return nil, usageError{fmt.Errorf("--grant %q: want authorization_code, device_code, client_credentials, password or jwt-bearer", grant)}
}

// needEndpoints checks that cfg has the endpoints grant uses.
func needEndpoints(p *profile, cfg oauthkit.Config, grant string) error {
	var err error
	switch grant {
	case grantAuthorizationCode:
		err = authEndpoint.need(p, cfg.AuthURL)
	case grantDeviceCode:
		err = deviceEndpoint.need(p, cfg.DeviceAuthURL)
	case grantClientCredentials, grantPassword, grantJWTBearer:
	default:
		return nil // obtain reports the unknown grant
	}
	if err != nil {
		return err
	}
	return tokenEndpoint.need(p, cfg.TokenURL)
}

// askSecret prompts for the client secret when the client needs one and
// none was given.
func (a *app) askSecret(p *profile, grant string) error {
	if p.ClientSecret != "" || p.KeyFile != "" || grant == grantJWTBearer {
		return nil
	}
	switch p.AuthMethod {
	case oauthkit.AuthNone, oauthkit.PrivateKeyJWT, oauthkit.TLSClientAuth, oauthkit.SelfSignedTLSClientAuth:
		return nil
	case "":
		if grant != grantClientCredentials && grant != grantPassword {
			return nil // a public client
		}
	}
	secret, err := a.secret("OAUTHKIT_CLIENT_SECRET", "Client secret for "+p.ClientID)
	p.ClientSecret = secret
	return err
}

// publicClient settles, before the user is sent to log in, how a client
// with neither secret nor key authenticates: as a public client (none),
// said on stderr, unless the issuer's discovery does not allow that; then
// the secret is asked for, so that no login ends in invalid_client.
func (a *app) publicClient(p *profile, grant string) error {
	if p.ClientSecret != "" || p.KeyFile != "" || p.AuthMethod != "" || (grant != grantAuthorizationCode && grant != grantDeviceCode) {
		return nil
	}
	if d := p.Discovery; d != nil && !slices.Contains(d.Metadata.TokenEndpointAuthMethodsSupported, oauthkit.AuthNone) {
		methods := cmp.Or(strings.Join(d.Metadata.TokenEndpointAuthMethodsSupported, ", "), oauthkit.ClientSecretBasic)
		secret, ok, err := a.prompt(fmt.Sprintf("Client secret for %s (%s does not accept public clients)", p.ClientID, p.Issuer))
		if err != nil {
			return err
		}
		if !ok || secret == "" {
			return usageError{fmt.Errorf("%s does not accept public clients (it offers %s): give --client-secret-file or OAUTHKIT_CLIENT_SECRET", p.Issuer, methods)}
		}
		p.ClientSecret = secret
		return nil
	}
	fmt.Fprintf(a.stderr, "No client secret given: %s is treated as a public client (--auth-method none).\n", p.ClientID)
	return nil
}

// secret reads env, or prompts on the terminal.
func (a *app) secret(env, label string) (string, error) {
	if v := a.getenv(env); v != "" {
		return v, nil
	}
	v, ok, err := a.prompt(label)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", usageError{fmt.Errorf("%s needed: set %s or run on a terminal", label, env)}
	}
	return v, nil
}

// saveLogin saves the profile of a login; the session saved its token
// to the profile's token store.
func (a *app) saveLogin(name string, p *profile) error {
	st, err := a.store()
	if err != nil {
		return err
	}
	return tried(st.saveProfile(name, p), "saving profile %q", name)
}
