package main

import (
	"fmt"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/spf13/cobra"
)

func (a *app) newRevokeCmd() *cobra.Command {
	var cf *clientFlags
	var hint string
	cmd := &cobra.Command{
		Use:   "revoke [TOKEN]",
		Short: "Revoke a token (RFC 7009)",
		Long: `revoke asks the revocation endpoint to revoke TOKEN, or, without TOKEN, the
refresh token of the profile (or its access token when it has none).
Revoking a refresh token usually ends the access tokens issued with it.
The profile's saved token is removed once the server accepted.`,
		Example: `  oauthkit revoke -p google
  oauthkit revoke --client-id app --revocation-url https://sso.example.com/oauth2/revoke \
    --token-type-hint access_token "$TOKEN"`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError{fmt.Errorf("revoke takes at most one token, got %d arguments", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			s, _, err := a.profileSession(cmd.Context(), cf)
			if err != nil {
				return err
			}
			token := ""
			if len(args) == 1 {
				token = args[0]
			}
			var opts []oauthkit.RevokeOption
			if hint != "" {
				opts = append(opts, oauthkit.WithTokenTypeHint(hint))
			}
			if err := s.Revoke(cmd.Context(), token, opts...); err != nil {
				return tried(err, "revoking at %s", s.Config().RevocationURL)
			}
			if token == "" && cf.profile != "" {
				if st, err := a.store(); err == nil {
					_ = st.removeToken(cf.profile)
				}
			}
			fmt.Fprintln(a.stderr, "Revoked.")
			return writeJSON(a.stdout, map[string]bool{"revoked": true})
		},
	}
	cf = profileFlags(cmd)
	cmd.Flags().StringVar(&hint, "token-type-hint", "", "access_token or refresh_token")
	return cmd
}

func (a *app) newIntrospectCmd() *cobra.Command {
	var cf *clientFlags
	var hint string
	cmd := &cobra.Command{
		Use:   "introspect [TOKEN]",
		Short: "Ask the server about a token (RFC 7662)",
		Long: `introspect asks the introspection endpoint whether TOKEN (or the profile's
access token) is active, and prints the answer as JSON. An inactive token
is not an error.`,
		Example: `  oauthkit introspect -p okta
  oauthkit introspect --client-id rs --token-url https://sso.example.com/token \
    --introspection-url https://sso.example.com/introspect "$TOKEN" | jq .active`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageError{fmt.Errorf("introspect takes at most one token, got %d arguments", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			s, _, err := a.profileSession(cmd.Context(), cf)
			if err != nil {
				return err
			}
			token := ""
			if len(args) == 1 {
				token = args[0]
			}
			var opts []oauthkit.IntrospectOption
			if hint != "" {
				opts = append(opts, oauthkit.WithTokenTypeHint(hint))
			}
			in, err := s.Introspect(cmd.Context(), token, opts...)
			if err != nil {
				return tried(err, "introspecting at %s", s.Config().IntrospectionURL)
			}
			return writeJSON(a.stdout, introspectionView(in))
		},
	}
	cf = profileFlags(cmd)
	cmd.Flags().StringVar(&hint, "token-type-hint", "", "access_token or refresh_token")
	return cmd
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
