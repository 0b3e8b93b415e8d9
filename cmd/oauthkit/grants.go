package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/assertion"
	"github.com/oauthkit/oauthkit/internal/wire"
)

// paramGrant is a grant with the profile's extra parameters added to its
// token requests.
type paramGrant struct {
	base   oauthkit.Grant
	params url.Values
}

// TokenParams returns the base grant's parameters and the extra ones it
// does not set itself.
func (g paramGrant) TokenParams(ctx context.Context) (url.Values, error) {
	v, err := g.base.TokenParams(ctx)
	if err != nil {
		return nil, err
	}
	for k, vs := range g.params {
		if len(v[k]) == 0 {
			v[k] = vs
		}
	}
	return v, nil
}

// addParams is a refresh request hook that adds the profile's extra
// parameters the request does not carry itself, so that the renewals the
// session makes on its own ("token", "request") ask for the same
// audience and resources as the login did. RFC 6749 section 3.2 has
// servers ignore parameters they do not know.
func addParams(extra url.Values) func(*http.Request) error {
	return func(req *http.Request) error {
		if req.Body == nil || req.Body == http.NoBody {
			return nil
		}
		b, err := wire.ReadBody(req.Body, wire.MaxBody)
		if err != nil {
			return fmt.Errorf("reading the refresh request: %w", err)
		}
		form, err := url.ParseQuery(string(b))
		if err != nil {
			return fmt.Errorf("reading the refresh request: %w", err)
		}
		for k, vs := range extra {
			if _, ok := form[k]; !ok {
				form[k] = vs
			}
		}
		req.Body = io.NopCloser(strings.NewReader(form.Encode()))
		return nil
	}
}

// noClientAuth sends no client credentials: a jwt-bearer assertion
// stands for the client itself.
var noClientAuth = oauthkit.ClientAuthFunc(func(context.Context, *oauthkit.ClientAuthRequest) error { return nil })

// profileGrant makes cfg get its tokens by itself for the grants that
// need no user, so that the session renews them (once, across processes
// sharing the token file) when they are due: client credentials, or a
// jwt-bearer assertion signed with the client key.
func profileGrant(cfg *oauthkit.Config, p *profile) error {
	switch p.Grant {
	case grantClientCredentials:
		cfg.Grant = paramGrant{base: oauthkit.ClientCredentials(), params: p.extraParams()}
	case grantJWTBearer:
		if cfg.ClientKey == nil {
			return usageError{errors.New("the jwt-bearer grant needs --key-file")}
		}
		cfg.Grant = paramGrant{base: assertion.JWTBearer(assertion.Config{
			TokenURL: cfg.TokenURL, Issuer: cfg.ClientID, Subject: p.Subject, Key: cfg.ClientKey,
			Scopes: cfg.Scopes, HTTPClient: cfg.HTTPClient, InsecureAllowHTTP: cfg.InsecureAllowHTTP,
		}), params: p.extraParams()}
		cfg.ClientAuth = noClientAuth
	}
	return nil
}
