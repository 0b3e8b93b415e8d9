package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/spf13/cobra"
)

const revokeLong = `revoke asks the revocation endpoint (RFC 7009) to revoke TOKEN ("-" reads
it from stdin), or, without TOKEN, the refresh token of the profile (or its
access token when it has none). Revoking a refresh token usually ends the access tokens issued with
it. The profile's saved token is removed once the server accepted.

The endpoint comes from --revocation-url or the issuer's discovery
document. GitHub has no RFC 7009 endpoint: revoke its tokens in the
account's settings or through its REST API.`

const revokeExample = `  # Google (the endpoint comes from discovery)
  oauthkit revoke -p google

  # Okta or Keycloak
  oauthkit revoke -p okta
  oauthkit revoke -p kc --token-type-hint refresh_token

  # Revoke only the access token, read from stdin
  oauthkit token -p okta | oauthkit revoke -p okta --token-type-hint access_token -

  # A client-credentials service: revoke a token it obtained
  OAUTHKIT_CLIENT_SECRET=... oauthkit revoke --client-id reporting \
    --revocation-url https://auth.example.com/oauth2/revoke \
    --token-type-hint access_token "$TOKEN"`

// maxOneArg accepts at most one positional argument, as a usage error.
func maxOneArg(cmd *cobra.Command, args []string) error {
	if len(args) > 1 {
		return usageError{fmt.Errorf("%s takes at most one token, got %d arguments", cmd.Name(), len(args))}
	}
	return nil
}

// maxTokenInput bounds a token read from stdin.
const maxTokenInput = 1 << 20

// tokenArg returns the TOKEN argument of args, read from stdin when it is
// "-", with surrounding whitespace removed; "" when none is given. A
// token given but empty is a usage error: revoking "$TOKEN" with TOKEN
// unset must not fall back to the profile's token.
func (a *app) tokenArg(args []string) (string, error) {
	if len(args) == 0 {
		return "", nil
	}
	tok, from := args[0], "the TOKEN argument"
	if tok == "-" {
		b, err := io.ReadAll(io.LimitReader(a.stdin, maxTokenInput+1))
		if err != nil {
			return "", fmt.Errorf("reading the token from stdin: %w", err)
		}
		if len(b) > maxTokenInput {
			return "", usageError{errors.New("the token on stdin is longer than 1 MiB")}
		}
		tok, from = string(b), "stdin"
	}
	tok = strings.TrimSpace(tok)
	if tok == "" {
		return "", usageError{fmt.Errorf("%s is empty: give a token, - to read one from stdin, or none for the profile's token", from)}
	}
	return tok, nil
}

func (a *app) newRevokeCmd() *cobra.Command {
	var cf *clientFlags
	var hint string
	cmd := &cobra.Command{
		Use:     "revoke [TOKEN | -]",
		Short:   "Revoke a token (RFC 7009)",
		Long:    revokeLong,
		Example: revokeExample,
		Args:    maxOneArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			token, err := a.tokenArg(args)
			if err != nil {
				return err
			}
			return a.runRevoke(cmd.Context(), cf, token, hint)
		},
	}
	cf = profileFlags(cmd)
	cmd.Flags().StringVar(&hint, "token-type-hint", "", "access_token or refresh_token")
	return cmd
}

func (a *app) runRevoke(ctx context.Context, cf *clientFlags, token, hint string) error {
	c, err := a.connect(ctx, cf)
	if err != nil {
		return err
	}
	if err := revocationEndpoint.need(c.p, c.s.Config().RevocationURL); err != nil {
		return err
	}
	var opts []oauthkit.RevokeOption
	if hint != "" {
		opts = append(opts, oauthkit.WithTokenTypeHint(hint))
	}
	err = c.call(ctx, func() error {
		return tried(c.s.Revoke(ctx, token, opts...), "revoking at %s", c.s.Config().RevocationURL)
	})
	if err != nil {
		return err
	}
	if token == "" && c.name != "" {
		if st, err := a.store(); err == nil {
			_ = st.removeToken(ctx, c.name)
		}
	}
	fmt.Fprintln(a.stderr, "Revoked.")
	return writeJSON(a.stdout, map[string]bool{"revoked": true})
}

const introspectLong = `introspect asks the introspection endpoint (RFC 7662) whether TOKEN ("-"
reads it from stdin; without TOKEN, the profile's access token) is active, and prints the answer as JSON. An
inactive token is not an error.

Introspection is for resource servers: the client that asks must usually
authenticate. The endpoint comes from --introspection-url or the issuer's
discovery document. GitHub and Google have no RFC 7662 endpoint.`

const introspectExample = `  # Okta or Keycloak: the profile's own access token
  oauthkit introspect -p okta
  oauthkit introspect -p kc | jq '{active, scope, exp}'
  oauthkit token -p kc | oauthkit introspect -p kc -

  # Keycloak: an API (a confidential client) checks a token it received
  OAUTHKIT_CLIENT_SECRET=... oauthkit introspect --client-id orders-api \
    --issuer https://sso.example.com/realms/main "$TOKEN" | jq .active

  # A client-credentials service
  OAUTHKIT_CLIENT_SECRET=... oauthkit introspect --client-id reporting \
    --introspection-url https://auth.example.com/oauth2/introspect "$TOKEN"

  # Google has no introspection endpoint; its tokeninfo answers instead
  curl "https://oauth2.googleapis.com/tokeninfo?access_token=$(oauthkit token -p google)"`

func (a *app) newIntrospectCmd() *cobra.Command {
	var cf *clientFlags
	var hint string
	cmd := &cobra.Command{
		Use:     "introspect [TOKEN | -]",
		Short:   "Ask the server about a token (RFC 7662)",
		Long:    introspectLong,
		Example: introspectExample,
		Args:    maxOneArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			token, err := a.tokenArg(args)
			if err != nil {
				return err
			}
			return a.runIntrospect(cmd.Context(), cf, token, hint)
		},
	}
	cf = profileFlags(cmd)
	cmd.Flags().StringVar(&hint, "token-type-hint", "", "access_token or refresh_token")
	return cmd
}

func (a *app) runIntrospect(ctx context.Context, cf *clientFlags, token, hint string) error {
	c, err := a.connect(ctx, cf)
	if err != nil {
		return err
	}
	if err := introspectionEndpoint.need(c.p, c.s.Config().IntrospectionURL); err != nil {
		return err
	}
	var opts []oauthkit.IntrospectOption
	if hint != "" {
		opts = append(opts, oauthkit.WithTokenTypeHint(hint))
	}
	var in *oauthkit.Introspection
	err = c.call(ctx, func() (err error) {
		in, err = c.s.Introspect(ctx, token, opts...)
		return tried(err, "introspecting at %s", c.s.Config().IntrospectionURL)
	})
	if err != nil {
		return err
	}
	return writeJSON(a.stdout, introspectionView(in))
}

// introspectionView is the RFC 7662 form of in, times as Unix seconds.
func introspectionView(in *oauthkit.Introspection) map[string]any {
	m := map[string]any{"active": in.Active}
	for k, v := range in.Extra {
		m[k] = v
	}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set("scope", in.Scope)
	set("client_id", in.ClientID)
	set("username", in.Username)
	set("token_type", in.TokenType)
	set("sub", in.Subject)
	set("iss", in.Issuer)
	set("jti", in.JWTID)
	if len(in.Audience) > 0 {
		m["aud"] = in.Audience
	}
	for k, t := range map[string]time.Time{"exp": in.ExpiresAt, "iat": in.IssuedAt, "nbf": in.NotBefore} {
		if !t.IsZero() {
			m[k] = t.Unix()
		}
	}
	return m
}
