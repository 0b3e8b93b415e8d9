package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/spf13/cobra"
)

const profilesLong = `profiles lists the saved profiles with their client, endpoints and token
state: valid; refreshable (due within a minute, and "oauthkit token"
renews it); expiring (due, and it cannot be renewed); expired; none; or
broken (a file that cannot be read).

Profiles live in $OAUTHKIT_CONFIG_DIR, by default the oauthkit directory
under the user's configuration directory (~/.config/oauthkit on Linux,
~/Library/Application Support/oauthkit on macOS, %AppData%\oauthkit on
Windows): profiles/NAME.json holds the client configuration and
tokens/NAME.json the token. Both are written with mode 0600, in
directories of mode 0700, because they hold secrets. Commands that run at
once share the token file: when the token is due, one of them renews it
under a lock on tokens/NAME.json.lock and the others use the new token.`

const profilesExample = `  # Profiles made by "oauthkit login --profile gh|google|okta|kc|svc"
  oauthkit profiles -o text

  # Which GitHub, Google, Okta or Keycloak logins need a new login?
  oauthkit profiles | jq -r '.[] | select(.token_state == "expired") | .name'

  # Client-credentials services renew by themselves; list them
  oauthkit profiles | jq -r '.[] | select(.grant == "client_credentials") | .name'

  # A separate set of profiles, for example per project
  OAUTHKIT_CONFIG_DIR=./.oauthkit oauthkit profiles`

func (a *app) newProfilesCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "profiles",
		Short:   "List saved profiles",
		Long:    profilesLong,
		Example: profilesExample,
		Args:    exactArgs(0),
		RunE:    func(*cobra.Command, []string) error { return a.listProfiles() },
	}
}

type profileSummary struct {
	Name       string   `json:"name"`
	ClientID   string   `json:"client_id"`
	Issuer     string   `json:"issuer,omitempty"`
	TokenURL   string   `json:"token_url,omitempty"`
	Grant      string   `json:"grant,omitempty"`
	Scopes     []string `json:"scopes,omitempty"`
	TokenState string   `json:"token_state"`
	ExpiresAt  string   `json:"expires_at,omitempty"`
	// Error says why a broken profile cannot be used.
	Error string `json:"error,omitempty"`
}

func (a *app) listProfiles() error {
	st, err := a.store()
	if err != nil {
		return err
	}
	names, err := st.names()
	if err != nil {
		return err
	}
	out := []profileSummary{}
	now := time.Now()
	for _, n := range names {
		out = append(out, summarize(st, n, now))
	}
	if a.output == outputText {
		if len(out) == 0 {
			fmt.Fprintln(a.stdout, "no profiles (oauthkit login -p NAME saves one)")
			return nil
		}
		const row = "%-16s %-11s %-24s %s\n"
		fmt.Fprintf(a.stdout, row, "NAME", "TOKEN", "CLIENT", "SERVER")
		for _, s := range out {
			fmt.Fprintf(a.stdout, row, s.Name, s.TokenState, cmp.Or(s.ClientID, "-"), cmp.Or(s.Issuer, s.TokenURL, "-"))
		}
		return nil
	}
	return writeJSON(a.stdout, out)
}

// summarize describes profile n; a profile or token file that cannot be
// read is marked broken, with the reason.
func summarize(st store, n string, now time.Time) profileSummary {
	p, err := st.loadProfile(n)
	if err != nil {
		return profileSummary{Name: n, TokenState: stateBroken, Error: trimPrefix(err.Error())}
	}
	sum := profileSummary{Name: n, ClientID: p.ClientID, Issuer: p.Issuer, TokenURL: p.TokenURL,
		Grant: p.Grant, Scopes: p.Scopes, TokenState: "none"}
	tok, err := st.loadToken(n)
	switch {
	case errors.Is(err, errNoProfile):
	case err != nil:
		sum.TokenState, sum.Error = stateBroken, trimPrefix(err.Error())
	default:
		sum.TokenState = tokenState(tok, p.Grant, now)
		if !tok.ExpiresAt.IsZero() {
			sum.ExpiresAt = tok.ExpiresAt.Local().Format(time.RFC3339)
		}
	}
	return sum
}

// stateBroken is the token state of a profile whose files cannot be read.
const stateBroken = "broken"

// tokenState is what "oauthkit token" would do with tok: print it
// (valid, or expiring when it is due but cannot be renewed), renew it
// (refreshable: a refresh token, or a grant that fetches a new one), or
// fail (expired).
func tokenState(tok *oauthkit.Token, grant string, now time.Time) string {
	renewable := tok.RefreshToken != "" || grant == grantClientCredentials || grant == grantJWTBearer
	switch {
	case !tok.Expired(now, leeway):
		return "valid"
	case renewable:
		return "refreshable"
	case !tok.Expired(now, 0):
		return "expiring"
	}
	return "expired"
}

const logoutLong = `logout revokes the profile's refresh token (or access token) when the
profile has a revocation endpoint, then deletes the profile and its token.
If revocation fails the profile is kept, unless --force. With
--end-session it also logs the user out at the provider (OpenID Connect
RP-Initiated Logout): the browser opens the provider's end-session URL,
with the profile's ID token as the hint (--no-browser prints it).

Without a revocation endpoint (GitHub, for one) only the local copy is
deleted; the token stays valid at the server until it expires or is
revoked there.`

const logoutExample = `  # Keycloak: revoke, log out at the provider in the browser, delete
  oauthkit logout -p kc --end-session

  # GitHub: deletes the profile (revoke the token in GitHub's settings)
  oauthkit logout -p gh

  # Google, Okta or Keycloak: revokes, then deletes
  oauthkit logout -p google
  oauthkit logout -p kc

  # A client-credentials service whose server is gone
  oauthkit logout -p svc --force`

func (a *app) newLogoutCmd() *cobra.Command {
	var name string
	var force, endSession, noBrowser bool
	cmd := &cobra.Command{
		Use:     "logout -p NAME",
		Short:   "Revoke a profile's token and delete the profile",
		Long:    logoutLong,
		Example: logoutExample,
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runLogout(cmd.Context(), name, force, endSession, noBrowser)
		},
	}
	cmd.Flags().StringVarP(&name, "profile", "p", "", "profile to log out of")
	cmd.Flags().BoolVar(&force, "force", false, "delete the profile even if revocation fails")
	cmd.Flags().BoolVar(&endSession, "end-session", false, "also log out at the provider: open its end-session URL (RP-Initiated Logout) with the ID token as hint")
	cmd.Flags().BoolVar(&noBrowser, "no-browser", false, "with --end-session, print the URL instead of opening a browser")
	return cmd
}

func (a *app) runLogout(ctx context.Context, name string, force, endSession, noBrowser bool) error {
	if name == "" {
		return usageError{errors.New("logout needs -p NAME")}
	}
	c, err := a.connect(ctx, &clientFlags{profile: name})
	idToken := ""
	if err == nil && c.s.Token() != nil {
		idToken = c.s.Token().IDToken // the end-session hint, before revocation clears the token
	}
	switch {
	case errors.Is(err, errNoProfile):
		return err
	case err != nil && !force:
		return withHint(err, "oauthkit logout -p "+name+" --force deletes the profile without revoking")
	case err != nil:
		a.warn("cannot revoke the token of profile %q: %s; deleting it anyway", name, trimPrefix(err.Error()))
	case c.s.Token() != nil && c.s.Config().RevocationURL != "":
		err := c.call(ctx, func() error { return c.s.Revoke(ctx, "") })
		if err != nil && !force {
			return tried(err, "revoking the token of profile %q (use --force to delete anyway)", name)
		}
		if err == nil {
			fmt.Fprintln(a.stderr, "Token revoked.")
		}
	}
	if endSession && c != nil && c.s != nil {
		if err := a.endSession(c, idToken, noBrowser); err != nil && !force {
			return err
		}
	}
	st, err := a.store()
	if err != nil {
		return err
	}
	if err := st.remove(ctx, name); err != nil {
		return tried(err, "deleting profile %q", name)
	}
	fmt.Fprintf(a.stderr, "Profile %q deleted.\n", name)
	return nil
}
