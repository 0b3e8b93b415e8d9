package main

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oidc"
)

// whoTimeout bounds the userinfo request that finds out who logged in.
const whoTimeout = 10 * time.Second

// loggedIn says on stderr who logged in where, "✓ Logged in to ISSUER as
// alice@example.com", in colour on a terminal.
func (a *app) loggedIn(ctx context.Context, s *oauthkit.Session, prov *oidc.Provider, p *profile, tok *oauthkit.Token, username string) {
	st := style{on: a.useColour(a.stderr)}
	line := st.green("✓") + " Logged in to " + serverName(p, s.Config())
	if who := a.identity(ctx, s, prov, p, tok, username); who != "" {
		line += " as " + st.bold(who)
	}
	fmt.Fprintln(a.stderr, line)
}

// serverName names the server for people: the issuer, else the token
// endpoint's host.
func serverName(p *profile, cfg oauthkit.Config) string {
	if p.Issuer != "" {
		return p.Issuer
	}
	if u, err := url.Parse(cfg.TokenURL); err == nil && u.Host != "" {
		return u.Host
	}
	return cfg.TokenURL
}

// identity names who the token stands for: the client for grants without
// a user; else the user, from the ID token the session validated, or from
// the userinfo endpoint, or the password grant's username. "" when
// nothing says.
func (a *app) identity(ctx context.Context, s *oauthkit.Session, prov *oidc.Provider, p *profile, tok *oauthkit.Token, username string) string {
	switch p.Grant {
	case grantClientCredentials:
		return "client " + p.ClientID
	case grantJWTBearer:
		return cmp.Or(p.Subject, "client "+p.ClientID)
	}
	var idClaims map[string]string
	if prov != nil {
		idClaims = idTokenClaims(tok)
		if who := displayName(idClaims); who != "" {
			return who
		}
	}
	u := p.UserInfoURL
	if u == "" && prov != nil {
		u = prov.Metadata().UserInfoEndpoint
	}
	var uiClaims map[string]string
	if u != "" {
		ctx, cancel := context.WithTimeout(ctx, whoTimeout)
		defer cancel()
		if p.UserInfoURL != "" {
			prov = nil
		}
		uiClaims = stringClaims(fetchUserInfoQuietly(ctx, s, prov, u, tok))
		if who := displayName(uiClaims); who != "" {
			return who
		}
	}
	return cmp.Or(username, idClaims["sub"], uiClaims["sub"])
}

// fetchUserInfoQuietly is fetchUserInfo with failures ignored: who logged
// in is a courtesy.
func fetchUserInfoQuietly(ctx context.Context, s *oauthkit.Session, prov *oidc.Provider, u string, tok *oauthkit.Token) map[string]any {
	claims, _ := fetchUserInfo(ctx, s, prov, u, tok)
	return claims
}

// stringClaims keeps the string claims of claims.
func stringClaims(claims map[string]any) map[string]string {
	out := map[string]string{}
	for k, v := range claims {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// displayName picks the claim that names a user best: email,
// preferred_username, login (GitHub's user API), name. The sub is the
// last resort of identity, as it is rarely readable.
func displayName(claims map[string]string) string {
	for _, k := range []string{"email", "preferred_username", "login", "name"} {
		if v := claims[k]; v != "" {
			return v
		}
	}
	return ""
}
