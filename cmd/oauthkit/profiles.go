package main

import (
	"cmp"
	"errors"
	"fmt"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/spf13/cobra"
)

func (a *app) newProfilesCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "profiles",
		Short: "List saved profiles",
		Long: `profiles lists the saved profiles with their client, endpoints and token
state. Profiles live in OAUTHKIT_CONFIG_DIR, or oauthkit under the user's
configuration directory; files are mode 0600.`,
		Example: `  oauthkit profiles
  oauthkit profiles | jq -r '.[] | select(.token_state == "expired") | .name'`,
		Args: exactArgs(0),
		RunE: func(*cobra.Command, []string) error { return a.listProfiles() },
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
		p, err := st.loadProfile(n)
		if err != nil {
			return err
		}
		sum := profileSummary{Name: n, ClientID: p.ClientID, Issuer: p.Issuer, TokenURL: p.TokenURL,
			Grant: p.Grant, Scopes: p.Scopes, TokenState: "none"}
		if tok, err := st.loadToken(n); err == nil {
			sum.TokenState = tokenState(tok, now)
			if !tok.ExpiresAt.IsZero() {
				sum.ExpiresAt = tok.ExpiresAt.Local().Format(time.RFC3339)
			}
		}
		out = append(out, sum)
	}
	if a.output == outputText {
		for _, s := range out {
			fmt.Fprintf(a.stdout, "%-16s %-10s %-24s %s\n", s.Name, s.TokenState, s.ClientID, cmp.Or(s.Issuer, s.TokenURL, "-"))
		}
		return nil
	}
	return writeJSON(a.stdout, out)
}

func tokenState(tok *oauthkit.Token, now time.Time) string {
	switch {
	case tok.Valid(now):
		return "valid"
	case tok.RefreshToken != "":
		return "refreshable"
	}
	return "expired"
}

func (a *app) newLogoutCmd() *cobra.Command {
	var name string
	var keep bool
	cmd := &cobra.Command{
		Use:   "logout -p NAME",
		Short: "Revoke a profile's token and delete the profile",
		Long: `logout revokes the profile's refresh token (or access token) when the
profile has a revocation endpoint, then deletes the profile and its token.
If revocation fails the profile is kept, unless --force.`,
		Example: `  oauthkit logout -p gh
  oauthkit logout -p old --force`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if name == "" {
				return usageError{errors.New("logout needs -p NAME")}
			}
			cf := &clientFlags{profile: name}
			s, _, err := a.profileSession(cmd.Context(), cf)
			if err != nil {
				return err
			}
			if s.Token() != nil && s.Config().RevocationURL != "" {
				err := s.Revoke(cmd.Context(), "")
				if err != nil && !keep {
					return tried(err, "revoking the token of profile %q (use --force to delete anyway)", name)
				}
				if err == nil {
					fmt.Fprintln(a.stderr, "Token revoked.")
				}
			}
			st, err := a.store()
			if err != nil {
				return err
			}
			if err := st.remove(name); err != nil {
				return tried(err, "deleting profile %q", name)
			}
			fmt.Fprintf(a.stderr, "Profile %q deleted.\n", name)
			return nil
		},
	}
	cmd.Flags().StringVarP(&name, "profile", "p", "", "profile to log out of")
	cmd.Flags().BoolVar(&keep, "force", false, "delete the profile even if revocation fails")
	return cmd
}
