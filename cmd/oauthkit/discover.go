package main

import (
	"github.com/oauthkit/oauthkit/oidc"
	"github.com/spf13/cobra"
)

const discoverLong = `discover fetches the metadata document of ISSUER, checks that it names the
same issuer, and prints it as JSON: /.well-known/openid-configuration, or
/.well-known/oauth-authorization-server with --rfc8414.

Give the issuer, not the document's URL. GitHub's OAuth apps have no
metadata document; GitHub Actions' OpenID Connect issuer has one.`

const discoverExample = `  # GitHub Actions' OpenID Connect issuer
  oauthkit discover https://token.actions.githubusercontent.com | jq .jwks_uri

  # Google
  oauthkit discover https://accounts.google.com | jq .token_endpoint

  # Okta or Keycloak
  oauthkit discover https://dev-123.okta.com/oauth2/default
  oauthkit discover https://sso.example.com/realms/main | jq .grant_types_supported

  # A plain OAuth 2.0 server for services (RFC 8414 metadata)
  oauthkit discover --rfc8414 https://auth.example.com`

func (a *app) newDiscoverCmd() *cobra.Command {
	var rfc8414 bool
	cmd := &cobra.Command{
		Use:     "discover ISSUER",
		Short:   "Print an issuer's metadata (OpenID Connect Discovery or RFC 8414)",
		Long:    discoverLong,
		Example: discoverExample,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg := oidc.DiscoveryConfig{HTTPClient: a.httpClient(), InsecureAllowHTTP: a.insecureTransport()}
			if rfc8414 {
				cfg.Style = oidc.OAuthAuthorizationServer
			}
			m, err := oidc.Discover(cmd.Context(), args[0], cfg)
			if err != nil {
				return tried(err, "discovering %s", args[0])
			}
			return writeJSON(a.stdout, m)
		},
	}
	cmd.Flags().BoolVar(&rfc8414, "rfc8414", false, "use the RFC 8414 location instead of OpenID Connect's")
	return cmd
}
