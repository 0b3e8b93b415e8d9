package main

import (
	"context"
	"fmt"

	"github.com/oauthkit/oauthkit"
	"github.com/spf13/cobra"
)

// profileFlags registers the client flags of a command that works on a
// saved profile, "default" unless -p says otherwise.
func profileFlags(cmd *cobra.Command) *clientFlags {
	cf := &clientFlags{}
	cf.register(cmd, "profile to use")
	return cf
}

const tokenLong = `token prints the access token of a saved profile, refreshed first when it
expires within a minute (the new token is saved). The default output is the
bare token, so that it fits in a header:

  curl -H "Authorization: Bearer $(oauthkit token -p gh)" https://api.github.com/user

A client-credentials profile fetches a new token when the old one is due.`

const tokenExample = `  # GitHub: call the API with curl
  curl -H "Authorization: Bearer $(oauthkit token -p gh)" https://api.github.com/user

  # Google: a ready-made header line
  curl -H "$(oauthkit token -p google -o header)" \
    https://www.googleapis.com/drive/v3/files

  # Okta or Keycloak: the whole token as JSON
  oauthkit token -p okta -o json | jq .expires_in
  oauthkit token -p kc -o json --show-secrets | jq -r .id_token | oauthkit jwt decode -

  # A client-credentials service: a new token whenever the old one is due
  eval "$(oauthkit token -p svc -o env)"; echo "$OAUTHKIT_EXPIRES_AT"`

func (a *app) newTokenCmd() *cobra.Command {
	var cf *clientFlags
	var output string
	cmd := &cobra.Command{
		Use:     "token",
		Short:   "Print a valid access token, refreshing it first when due",
		Long:    tokenLong,
		Example: tokenExample,
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runToken(cmd.Context(), cf, output)
		},
	}
	cf = profileFlags(cmd)
	// Its own --output, whose default differs from the other commands'.
	cmd.Flags().StringVarP(&output, "output", "o", outputToken, "result format: token (the bare access token), json, text, env or header")
	return cmd
}

// outputToken is the default format of "oauthkit token": the bare token.
const outputToken = "token"

// runToken prints the profile's valid token in the format output.
func (a *app) runToken(ctx context.Context, cf *clientFlags, output string) error {
	switch output {
	case outputToken, outputJSON, outputText, outputEnv, outputHeader:
	default:
		return usageError{fmt.Errorf("--output %q: want token, json, text, env or header", output)}
	}
	c, err := a.connect(ctx, cf)
	if err != nil {
		return err
	}
	tok, err := c.validToken(ctx)
	if err != nil {
		return err
	}
	if output == outputToken {
		_, err := a.stdout.Write([]byte(tok.AccessToken + "\n"))
		return err
	}
	a.output = output
	return a.printToken(tok, c.name, true)
}

const refreshLong = `refresh uses the refresh token of a saved profile, saves and prints the new
token. Other commands refresh by themselves when the token is due; this one
refreshes now, to check the refresh token or to pick up new claims.

A client-credentials profile has no refresh token: "oauthkit token" fetches
a new token for it instead.`

const refreshExample = `  # GitHub: a GitHub App with expiring user tokens (OAuth app tokens do not expire)
  oauthkit refresh -p gh

  # Google: a desktop-app client gets a refresh token at login
  oauthkit refresh -p google -o text

  # Okta or Keycloak (Okta needs the offline_access scope at login)
  oauthkit refresh -p okta
  oauthkit refresh -p kc -o json | jq .expires_at`

func (a *app) newRefreshCmd() *cobra.Command {
	var cf *clientFlags
	cmd := &cobra.Command{
		Use:     "refresh",
		Short:   "Refresh the token of a profile now",
		Long:    refreshLong,
		Example: refreshExample,
		Args:    exactArgs(0),
		RunE:    func(cmd *cobra.Command, _ []string) error { return a.runRefresh(cmd.Context(), cf) },
	}
	cf = profileFlags(cmd)
	return cmd
}

func (a *app) runRefresh(ctx context.Context, cf *clientFlags) error {
	c, err := a.connect(ctx, cf)
	if err != nil {
		return err
	}
	var tok *oauthkit.Token
	err = c.call(ctx, func() (err error) {
		tok, err = c.renew(ctx)
		return err
	})
	if err != nil {
		return err
	}
	return a.printToken(tok, c.name, false)
}
