package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/oauthkit/oauthkit"
	"github.com/spf13/cobra"
)

const exchangeLong = `exchange trades a token for another at the token endpoint, with the token
exchange grant (RFC 8693): the subject token (a user's access token, a
JWT, ...) and, for delegation, the actor token. The client of -p (or of
the client flags) authenticates the request; the new token is printed, not
saved in the profile.

Token types are full URNs or their last part: access_token,
refresh_token, id_token, jwt, saml1, saml2. --audience and --resource may be
repeated; --scope narrows the scope. With --dpop the request carries a
DPoP proof of the profile's key, and the new token may come back bound.

GitHub has no token exchange grant; Keycloak, Okta and Google's Security
Token Service have one.`

const exchangeExample = `  # Keycloak (standard token exchange): a backend trades the token a user's
  # request came with for one to the billing client
  oauthkit exchange -p kc --subject-token "$USER_TOKEN" --audience billing

  # Okta: a service acts on a user's behalf, with a narrower scope
  oauthkit exchange -p okta-svc --subject-token "$USER_TOKEN" --scope api:read

  # Google's Security Token Service: a workload's JWT, read from stdin, for a
  # Google access token (the service takes no client authentication)
  oauthkit exchange --client-id sts --auth-method none --token-url https://sts.googleapis.com/v1/token \
    --subject-token-type jwt --subject-token - --requested-token-type access_token \
    --audience //iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/p/providers/q \
    --scope https://www.googleapis.com/auth/cloud-platform < /var/run/secrets/tokens/gcp

  # A client credentials service names itself as the actor (delegation)
  oauthkit exchange -p svc --subject-token "$USER_TOKEN" \
    --actor-token "$(oauthkit token -p svc)" --actor-token-type access_token \
    --resource https://api.example.com/`

// exchangeFlags are the token exchange's own flags.
type exchangeFlags struct {
	subject, subjectType string
	actor, actorType     string
	requestedType        string
	audiences            stringArray
}

func (a *app) newExchangeCmd() *cobra.Command {
	var cf *clientFlags
	ef := &exchangeFlags{}
	cmd := &cobra.Command{
		Use:     "exchange --subject-token TOKEN",
		Short:   "Exchange a token for another (RFC 8693)",
		Long:    exchangeLong,
		Example: exchangeExample,
		Args:    exactArgs(0),
		RunE:    func(cmd *cobra.Command, _ []string) error { return a.runExchange(cmd.Context(), cf, ef) },
	}
	cf = profileFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&ef.subject, "subject-token", "", `the token to exchange ("-" reads it from stdin); required`)
	f.StringVar(&ef.subjectType, "subject-token-type", "access_token", "type of --subject-token")
	f.StringVar(&ef.actor, "actor-token", "", "the acting party's token, for delegation")
	f.StringVar(&ef.actorType, "actor-token-type", "", "type of --actor-token; required with it")
	f.StringVar(&ef.requestedType, "requested-token-type", "", "type of token wanted; the server decides without it")
	// The client flags' --audience is the single audience parameter of
	// some providers; here it is RFC 8693's, and repeatable.
	aud := f.Lookup("audience")
	aud.Value, aud.DefValue = &ef.audiences, ""
	aud.Usage = "logical name of the target the token is for; repeatable"
	return cmd
}

func (a *app) runExchange(ctx context.Context, cf *clientFlags, ef *exchangeFlags) error {
	req, err := a.exchangeRequest(ef)
	if err != nil {
		return err
	}
	if cf.profile == "" && cf.p.ClientID == "" {
		cf.profile = "default"
	}
	p, err := cf.resolve(a)
	if err != nil {
		return err
	}
	// A session of its own, without the profile's token store: the new
	// token is not the profile's.
	cfg, _, err := a.config(ctx, p, false)
	if err != nil {
		return err
	}
	req.Resources = p.Resources
	if len(cf.scopes) > 0 {
		req.Scopes = p.Scopes
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		return err
	}
	if cfg.TokenURL == "" {
		return usageError{errors.New("no token endpoint: give --token-url or --issuer")}
	}
	tok, err := s.FetchToken(ctx, oauthkit.TokenExchange(req))
	if err != nil {
		return tried(err, "token exchange at %s", cfg.TokenURL)
	}
	return a.printToken(tok, "", true)
}

// exchangeRequest builds the request of the flags.
func (a *app) exchangeRequest(ef *exchangeFlags) (oauthkit.TokenExchangeRequest, error) {
	var r oauthkit.TokenExchangeRequest
	if ef.subject == "" {
		return r, usageError{errors.New("--subject-token is required")}
	}
	subject, err := a.tokenArg([]string{ef.subject})
	if err != nil {
		return r, err
	}
	r.SubjectToken = subject
	if r.SubjectTokenType, err = tokenType("--subject-token-type", ef.subjectType); err != nil {
		return r, err
	}
	if ef.actor != "" {
		if ef.actorType == "" {
			return r, usageError{errors.New("--actor-token needs --actor-token-type")}
		}
		if r.ActorToken, err = a.tokenArg([]string{ef.actor}); err != nil {
			return r, err
		}
		if r.ActorTokenType, err = tokenType("--actor-token-type", ef.actorType); err != nil {
			return r, err
		}
	}
	if ef.requestedType != "" {
		if r.RequestedTokenType, err = tokenType("--requested-token-type", ef.requestedType); err != nil {
			return r, err
		}
	}
	r.Audiences = splitScopes(ef.audiences)
	return r, nil
}

// tokenTypes are the RFC 8693 token types by their short names.
var tokenTypes = map[string]string{
	"access_token":  oauthkit.TokenTypeAccessToken,
	"refresh_token": oauthkit.TokenTypeRefreshToken,
	"id_token":      oauthkit.TokenTypeIDToken,
	"jwt":           oauthkit.TokenTypeJWT,
	"saml1":         oauthkit.TokenTypeSAML1,
	"saml2":         oauthkit.TokenTypeSAML2,
}

// tokenType resolves a token type flag: a short name or a URN.
func tokenType(flag, v string) (string, error) {
	if t, ok := tokenTypes[v]; ok {
		return t, nil
	}
	if strings.HasPrefix(v, "urn:") {
		return v, nil
	}
	return "", usageError{fmt.Errorf("%s %q: want a URN or one of access_token, refresh_token, id_token, jwt, saml1, saml2", flag, v)}
}

// stringArray is a repeatable string flag.
type stringArray []string

func (s *stringArray) String() string { return "[" + strings.Join(*s, ",") + "]" }

// Set adds one value.
func (s *stringArray) Set(v string) error {
	*s = append(*s, v)
	return nil
}

// Type names the flag's kind in help.
func (s *stringArray) Type() string { return "stringArray" }
