package oidc

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/dpop"
	"github.com/oauthkit/oauthkit/jose"
)

// UserInfo is the answer of the userinfo endpoint (OpenID Connect Core
// section 5.3.2) with its standard claims decoded. Other claims are read
// with [UserInfo.Claims].
type UserInfo struct {
	// Subject is "sub".
	Subject string
	// Profile holds the standard claims about the end user.
	Profile
	// Signed reports whether the answer was a signed JWT
	// (application/jwt) whose signature was verified.
	Signed bool

	payload []byte
}

// Claims decodes all the claims into v with [jose.DecodeClaims]: a
// pointer to the caller's struct, or to a map[string]any.
func (u *UserInfo) Claims(v any) error {
	if u.payload == nil {
		return errors.New("oidc: userinfo has no claims")
	}
	return jose.DecodeClaims(u.payload, v)
}

// UserInfo fetches the claims about the end user that tok's access token
// is for, with a GET and the token as a bearer token (RFC 6750 section
// 2.1), at the endpoint's mTLS alias when [ProviderConfig.HTTPClient]
// presents a client certificate (RFC 8705 section 5). A DPoP-bound token
// needs a proof: use [Provider.SessionUserInfo] for it. A JSON answer is decoded as is; an application/jwt answer must be
// signed by the provider's keys under its algorithm allow-list, and its
// iss and aud, when present, must be the issuer and the configured
// [ProviderConfig.ClientID].
//
// A redirect is followed only within the endpoint's origin and over
// https (or http to loopback); any other is an [oauthkit.ErrRedirect]
// error, and the token is not sent there.
//
// The answer's sub must equal expectedSubject, the sub of the ID token of
// the same login ([ErrSubjectMismatch]), as OpenID Connect Core section
// 5.3.2 requires: this is what stops a token substitution. With
// expectedSubject "", the sub of tok's verified ID token is expected (see
// [VerifiedIDToken]), so that a token from the session's exchange or
// refresh needs nothing else; a token without one (no ID token, or
// restored from storage) only needs sub to be present.
func (p *Provider) UserInfo(ctx context.Context, tok *oauthkit.Token, expectedSubject string) (*UserInfo, error) {
	if tok == nil || tok.AccessToken == "" {
		return nil, errors.New("oidc: userinfo: no access token")
	}
	if strings.EqualFold(tok.TokenType, dpop.Scheme) {
		return nil, fmt.Errorf("oidc: userinfo: a DPoP-bound token goes with a proof, use SessionUserInfo: %w", oauthkit.ErrUnsupportedTokenType)
	}
	// A client certificate in the provider's client means mutual TLS: the
	// endpoint's mTLS alias (RFC 8705 section 5).
	u := p.endpointsFor(oauthkit.Config{HTTPClient: p.cfg.HTTPClient}).UserInfoEndpoint
	return p.userInfo(ctx, userInfoCall{url: u, client: p.cfg.HTTPClient, tok: tok, expectedSubject: expectedSubject})
}

// userInfoCall is one userinfo request.
type userInfoCall struct {
	url             string
	client          *http.Client
	tok             *oauthkit.Token // for the bearer token and the expected subject
	authorized      bool            // client authorizes the request itself
	expectedSubject string
}

func (p *Provider) userInfo(ctx context.Context, call userInfoCall) (*UserInfo, error) {
	u, tok, expectedSubject := call.url, call.tok, call.expectedSubject
	if u == "" {
		return nil, fmt.Errorf("%w: the provider has no userinfo endpoint", ErrInvalidMetadata)
	}
	if idt, err := VerifiedIDToken(tok); expectedSubject == "" && err == nil {
		expectedSubject = idt.Subject
	}
	if err := checkSecure(u, p.cfg.InsecureAllowHTTP); err != nil {
		return nil, err
	}
	g := getRequest{endpoint: "userinfo", url: u, accept: "application/json, application/jwt",
		allowHTTP: p.cfg.InsecureAllowHTTP, timeout: p.cfg.EndpointTimeout, sameOrigin: true}
	if !call.authorized {
		g.bearer = tok.AccessToken
	}
	body, mt, err := get(ctx, call.client, g)
	if err != nil {
		return nil, err
	}
	signed := mt == "application/jwt"
	if signed {
		if body, err = p.verifyUserInfoJWT(ctx, strings.TrimSpace(string(body))); err != nil {
			return nil, err
		}
	}
	var c profileClaims
	if err := jose.DecodeClaims(body, &c); err != nil {
		return nil, &oauthkit.ResponseError{Endpoint: "userinfo", URL: u, StatusCode: http.StatusOK, ContentType: mt,
			Body: bounded(body), Err: fmt.Errorf("%w: %v", ErrMalformedClaims, err)}
	}
	if c.Sub == "" {
		return nil, fmt.Errorf("%w: sub", ErrMissingClaim)
	}
	if expectedSubject != "" && c.Sub != expectedSubject {
		return nil, mismatch(ErrSubjectMismatch, c.Sub, expectedSubject)
	}
	return &UserInfo{
		Subject: c.Sub, Profile: c.profile(), Signed: signed, payload: body,
	}, nil
}

// verifyUserInfoJWT verifies a signed userinfo answer and checks iss and
// aud when present (OpenID Connect Core section 5.3.2).
func (p *Provider) verifyUserInfoJWT(ctx context.Context, raw string) ([]byte, error) {
	if p.keys == nil {
		return nil, fmt.Errorf("%w: signed userinfo but no jwks_uri", ErrInvalidMetadata)
	}
	vt, err := jose.Verify(ctx, raw, p.keys, jose.VerifyOptions{Algorithms: p.algs, InsecureAllowWeakRSA: p.cfg.InsecureAllowWeakRSA})
	if err != nil {
		return nil, wrapVerifyError(err)
	}
	var c struct {
		Iss string   `json:"iss"`
		Aud audience `json:"aud"`
	}
	if err := jose.DecodeClaims(vt.Payload, &c); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedClaims, trimPrefix(err.Error()))
	}
	if c.Iss != "" {
		if iv := p.cfg.IssuerValidator; iv != nil {
			if err := iv.ValidateTokenIssuer(c.Iss, &UserInfo{payload: vt.Payload}); err != nil {
				return nil, fmt.Errorf("%w: %q: %v", ErrInvalidIssuer, c.Iss, trimPrefix(err.Error()))
			}
		} else if c.Iss != p.meta.Issuer {
			return nil, mismatch(ErrInvalidIssuer, c.Iss, p.meta.Issuer)
		}
	}
	if len(c.Aud) > 0 && (p.cfg.ClientID == "" || !slices.Contains(c.Aud, p.cfg.ClientID)) {
		return nil, fmt.Errorf("%w: got %q, want %q among them (ProviderConfig.ClientID)", ErrInvalidAudience, []string(c.Aud), p.cfg.ClientID)
	}
	return vt.Payload, nil
}
