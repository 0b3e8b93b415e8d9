package main

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/internal/wire"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oidc"
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
	if c.p.UserInfoURL == "" && c.prov != nil && c.prov.Metadata().UserInfoEndpoint != "" {
		var claims map[string]any
		err := c.call(ctx, func() (err error) {
			claims, err = fetchUserInfo(ctx, c.s, c.prov, "", tok)
			return err
		})
		return claims, err
	}
	if err := userInfoEndpoint.need(c.p, c.p.UserInfoURL); err != nil {
		return nil, err
	}
	return fetchUserInfo(ctx, c.s, nil, c.p.UserInfoURL, tok)
}

// fetchUserInfo returns the claims of the userinfo endpoint for tok: the
// provider's, verified, when prov is set; otherwise u, called with s.
func fetchUserInfo(ctx context.Context, s *oauthkit.Session, prov *oidc.Provider, u string, tok *oauthkit.Token) (map[string]any, error) {
	var claims map[string]any
	if prov != nil {
		// Through the session: a DPoP proof or the client certificate
		// goes with the token when it is bound.
		ui, err := prov.SessionUserInfo(ctx, s, idTokenSubject(tok))
		if err != nil {
			return nil, tried(err, "fetching userinfo from %s", prov.Issuer())
		}
		return claims, ui.Claims(&claims)
	}
	resp, err := s.Get(ctx, u)
	if err != nil {
		return nil, tried(err, "fetching userinfo from %s", u)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, tried(statusError{resp.StatusCode}, "fetching userinfo from %s", u)
	}
	b, err := wire.ReadBody(resp.Body, wire.MaxBody)
	if err != nil {
		return nil, tried(err, "reading userinfo from %s", u)
	}
	if err := json.Unmarshal(b, &claims); err != nil {
		return nil, tried(err, "decoding userinfo from %s", u)
	}
	return claims, nil
}

// idTokenSubject is the sub of the token's ID token, which was validated
// when the token was obtained; "" without one.
func idTokenSubject(tok *oauthkit.Token) string {
	return idTokenClaims(tok)["sub"]
}

// idTokenClaims are the string claims of the token's ID token, read
// without verification: call it only for an ID token the session
// validated.
func idTokenClaims(tok *oauthkit.Token) map[string]string {
	if tok.IDToken == "" {
		return map[string]string{}
	}
	_, payload, err := jose.UnsafeDecode(tok.IDToken)
	if err != nil {
		return map[string]string{}
	}
	var m map[string]any
	_ = json.Unmarshal(payload, &m)
	return stringClaims(m)
}
