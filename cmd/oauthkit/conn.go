package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oidc"
)

// discoveryMaxAge is how long a profile's saved discovery document is
// trusted before a command that talks to the server fetches it again.
const discoveryMaxAge = 24 * time.Hour

// leeway is how long before expiry a token counts as due, as in the
// session (oauthkit.Config.Leeway's default).
const leeway = time.Minute

// discovery is an issuer's metadata as a profile saved it, so that
// commands need no network while the profile's token is valid.
type discovery struct {
	FetchedAt time.Time      `json:"fetched_at"`
	Metadata  *oidc.Metadata `json:"metadata"`
}

// stale reports whether d is missing, for another issuer, or older than
// discoveryMaxAge.
func (d *discovery) stale(issuer string, now time.Time) bool {
	return d == nil || d.Metadata == nil || d.Metadata.Issuer != issuer || now.Sub(d.FetchedAt) > discoveryMaxAge
}

// conn is what a command uses to talk to the authorization server: the
// resolved profile, its session holding the saved token and, with an
// issuer, the provider built from the saved or a fresh discovery.
type conn struct {
	a *app
	// name is the saved profile's name; "" when the command runs on flags
	// alone.
	name string
	p    *profile
	s    *oauthkit.Session
	// prov is the issuer's provider; nil without an issuer.
	prov *oidc.Provider
	// discovered says that discovery ran in this run, so another one
	// would learn nothing new.
	discovered bool
}

// connect resolves cf (profile "default" when neither -p nor --client-id
// is given) and builds its session from what is saved, without network
// when the profile carries its discovery document.
func (a *app) connect(ctx context.Context, cf *clientFlags) (*conn, error) {
	if cf.profile == "" && cf.p.ClientID == "" {
		cf.profile = "default"
	}
	p, err := cf.resolve(a)
	if err != nil {
		return nil, err
	}
	c := &conn{a: a, name: cf.profile, p: p}
	a.conns = append(a.conns, c)
	var tok *oauthkit.Token
	if c.name != "" {
		st, err := a.store()
		if err != nil {
			return nil, err
		}
		if tok, err = st.loadToken(c.name); err != nil && !errors.Is(err, errNoProfile) {
			return nil, err
		}
	}
	if err := c.build(ctx, tok, false); err != nil {
		return nil, err
	}
	return c, nil
}

// build (re)creates the session holding tok; fresh forces discovery.
func (c *conn) build(ctx context.Context, tok *oauthkit.Token, fresh bool) error {
	cfg, prov, err := c.a.config(ctx, c.p, fresh)
	if err != nil {
		return err
	}
	if prov != nil && c.p.discovered {
		c.discovered = true
		c.saveDiscovery()
	}
	if c.name != "" {
		if cfg.Store, err = c.a.tokenStore(c.name); err != nil {
			return err
		}
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		return err
	}
	if tok != nil {
		s.SetToken(tok)
	}
	c.s, c.prov = s, prov
	return nil
}

// saveDiscovery writes the discovery document just fetched into the saved
// profile, when it is the profile's issuer; the flags of this run are not
// saved.
func (c *conn) saveDiscovery() {
	if c.name == "" {
		return
	}
	st, err := c.a.store()
	if err != nil {
		return
	}
	saved, err := st.loadProfile(c.name)
	if err != nil || saved.Issuer != c.p.Issuer {
		return
	}
	saved.Discovery = c.p.Discovery
	if err := st.saveProfile(c.name, saved); err != nil {
		c.a.warn("could not save the discovery document in profile %q: %v", c.name, err)
	}
}

// rediscover fetches the issuer's metadata again and rebuilds the session
// with the current token; changed says whether the metadata differ.
func (c *conn) rediscover(ctx context.Context) (changed bool, err error) {
	var before []byte
	if c.prov != nil {
		before, _ = json.Marshal(c.prov.Metadata())
	}
	if err := c.build(ctx, c.s.Token(), true); err != nil {
		return false, err
	}
	after, _ := json.Marshal(c.prov.Metadata())
	return !bytes.Equal(before, after), nil
}

// call runs fn, which talks to the authorization server. A discovery
// document older than a day is fetched again first; when the server
// refuses (an answer that is not OAuth, or no answer) and the document
// came from the profile, it is fetched again and fn retried once if the
// metadata changed.
func (c *conn) call(ctx context.Context, fn func() error) error {
	if c.p.Issuer != "" && !c.discovered && c.p.Discovery.stale(c.p.Issuer, time.Now()) {
		if _, err := c.rediscover(ctx); err != nil {
			return err
		}
	}
	err := fn()
	if err == nil || c.p.Issuer == "" || c.discovered || !refused(err) {
		return err
	}
	if changed, derr := c.rediscover(ctx); derr != nil || !changed {
		return err
	}
	return fn()
}

// refused reports whether err is an endpoint that did not answer like an
// OAuth server, or did not answer at all: the endpoint may have moved.
func refused(err error) bool {
	var re *oauthkit.ResponseError
	return errors.As(err, &re) || isNetwork(err)
}

// validToken returns the profile's token, renewed first when due. A
// token that is valid for longer than the leeway needs no network. The
// session renews through the profile's token store: of several processes
// that find the token due, one renews it and the others use the token it
// saved. A due token that cannot be renewed, or whose renewal failed, is
// still used until it expires.
func (c *conn) validToken(ctx context.Context) (*oauthkit.Token, error) {
	if tok := c.s.Token(); tok != nil && !tok.Expired(time.Now(), leeway) {
		return tok, nil
	}
	if err := c.needTokenEndpoint(); err != nil {
		return nil, err
	}
	var tok *oauthkit.Token
	err := c.call(ctx, func() (err error) {
		tok, err = c.s.ValidToken(ctx)
		return tried(err, "renewing the token at %s", c.s.Config().TokenURL)
	})
	return tok, c.noToken(err)
}

// renew gets a new token now: with the refresh token, or, for a profile
// saved from a client-credentials or jwt-bearer login, by the same grant.
func (c *conn) renew(ctx context.Context) (*oauthkit.Token, error) {
	if err := c.needTokenEndpoint(); err != nil {
		return nil, err
	}
	tok := c.s.Token()
	switch {
	case tok != nil && tok.RefreshToken != "":
		tok, err := c.s.Refresh(ctx, c.p.tokenOptions()...)
		return tok, tried(err, "refreshing the token at %s", c.s.Config().TokenURL)
	case c.s.Config().Grant != nil:
		return fetchForProfile(ctx, c.s, c.p.Grant)
	case tok == nil:
		return nil, c.noToken(oauthkit.ErrNoToken)
	}
	return nil, c.noToken(fmt.Errorf("%w: there is no refresh token", oauthkit.ErrNoRefreshToken))
}

// needTokenEndpoint checks that the session has a token endpoint to renew
// its token at.
func (c *conn) needTokenEndpoint() error {
	tok := c.s.Token()
	if (tok != nil && tok.RefreshToken != "") || c.s.Config().Grant != nil {
		return tokenEndpoint.need(c.p, c.s.Config().TokenURL)
	}
	return nil
}

// noToken says how to get a token again when err says there is none to
// use; other errors are returned as they are.
func (c *conn) noToken(err error) error {
	switch {
	case err == nil || !(errors.Is(err, oauthkit.ErrNoToken) || errors.Is(err, oauthkit.ErrTokenExpired) || errors.Is(err, oauthkit.ErrNoRefreshToken)):
		return err
	case c.name == "":
		return tried(err, "getting a valid token")
	}
	if oe, ok := err.(*opError); ok {
		err = oe.err // what was tried is the profile's token
	}
	return fmt.Errorf("profile %q: %w; log in again with oauthkit login -p %s", c.name, err, c.name)
}

// endpoint names an endpoint of the authorization server as the command
// line configures it: the flag, and the discovery document's member.
type endpoint struct{ name, flag, member string }

var (
	authEndpoint          = endpoint{"authorization", "--auth-url", "authorization_endpoint"}
	tokenEndpoint         = endpoint{"token", "--token-url", "token_endpoint"}
	revocationEndpoint    = endpoint{"revocation", "--revocation-url", "revocation_endpoint"}
	introspectionEndpoint = endpoint{"introspection", "--introspection-url", "introspection_endpoint"}
	deviceEndpoint        = endpoint{"device authorization", "--device-auth-url", "device_authorization_endpoint"}
	userInfoEndpoint      = endpoint{"userinfo", "--userinfo-url", "userinfo_endpoint"}
)

// need returns a usage error that names how to configure e when its URL
// u is empty: the flag, and whether discovery lacks it.
func (e endpoint) need(p *profile, u string) error {
	switch {
	case u != "":
		return nil
	case p.Issuer != "":
		return usageError{fmt.Errorf("the discovery document of %s has no %s: give %s", p.Issuer, e.member, e.flag)}
	}
	return usageError{fmt.Errorf("no %s endpoint: give %s, or --issuer whose discovery document has one", e.name, e.flag)}
}
