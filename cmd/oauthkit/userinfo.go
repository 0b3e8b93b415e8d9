package main

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/internal/wire"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/spf13/cobra"
)

const userInfoLong = `userinfo calls the userinfo endpoint with the profile's access token
(refreshed first when due) and prints the claims as JSON. With an issuer
the endpoint comes from discovery, a signed answer is verified, and sub
must match the ID token of the login; otherwise --userinfo-url is called.

A client-credentials token stands for no user, so it has no userinfo.`

const userInfoExample = `  # GitHub has no OpenID Connect userinfo; its user API plays the part
  oauthkit userinfo -p gh --userinfo-url https://api.github.com/user | jq .login

  # Google
  oauthkit userinfo -p google | jq .email

  # Okta or Keycloak (log in with the openid scope)
  oauthkit userinfo -p okta
  oauthkit userinfo -p kc | jq '{sub, preferred_username}'`

func (a *app) newUserInfoCmd() *cobra.Command {
	var cf *clientFlags
	cmd := &cobra.Command{
		Use:     "userinfo",
		Short:   "Print the claims of the userinfo endpoint",
		Long:    userInfoLong,
		Example: userInfoExample,
		Args:    exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			claims, err := a.userInfo(cmd.Context(), cf)
			if err != nil {
				return err
			}
			return writeJSON(a.stdout, claims)
		},
	}
	cf = profileFlags(cmd)
	return cmd
}

func (a *app) userInfo(ctx context.Context, cf *clientFlags) (map[string]any, error) {
	c, err := a.connect(ctx, cf)
	if err != nil {
		return nil, err
	}
	tok, err := c.validToken(ctx)
	if err != nil {
		return nil, err
	}
	var claims map[string]any
	if c.p.UserInfoURL == "" && c.prov != nil && c.prov.Metadata().UserInfoEndpoint != "" {
		err := c.call(ctx, func() error {
			ui, err := c.prov.UserInfo(ctx, tok, idTokenSubject(tok))
			if err != nil {
				return tried(err, "fetching userinfo from %s", c.p.Issuer)
			}
			return ui.Claims(&claims)
		})
		return claims, err
	}
	if err := userInfoEndpoint.need(c.p, c.p.UserInfoURL); err != nil {
		return nil, err
	}
	resp, err := c.s.Get(ctx, c.p.UserInfoURL)
	if err != nil {
		return nil, tried(err, "fetching userinfo from %s", c.p.UserInfoURL)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, tried(statusError{resp.StatusCode}, "fetching userinfo from %s", c.p.UserInfoURL)
	}
	b, err := wire.ReadBody(resp.Body, wire.MaxBody)
	if err != nil {
		return nil, tried(err, "reading userinfo from %s", c.p.UserInfoURL)
	}
	if err := json.Unmarshal(b, &claims); err != nil {
		return nil, tried(err, "decoding userinfo from %s", c.p.UserInfoURL)
	}
	return claims, nil
}

// idTokenSubject is the sub of the token's ID token, which was validated
// when the token was obtained; "" without one.
func idTokenSubject(tok *oauthkit.Token) string {
	if tok.IDToken == "" {
		return ""
	}
	_, payload, err := jose.UnsafeDecode(tok.IDToken)
	if err != nil {
		return ""
	}
	var c struct {
		Sub string `json:"sub"`
	}
	_ = json.Unmarshal(payload, &c)
	return c.Sub
}
