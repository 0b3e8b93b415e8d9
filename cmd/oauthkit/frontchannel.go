package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/oauthkit/oauthkit"
	"github.com/spf13/pflag"
)

// frontFlags are the login flags of the hardened front channel: pushed
// authorization requests (RFC 9126), request objects (RFC 9101) and
// JWT-secured responses (JARM). They apply to one login and are not saved
// in the profile.
type frontFlags struct {
	par           bool
	requestObject bool
	responseMode  string
}

// loopbackResponseModes are the response modes whose answer reaches the
// loopback listener: the query and form_post ones (a fragment never
// reaches a server).
var loopbackResponseModes = []string{
	oauthkit.ResponseModeQuery, oauthkit.ResponseModeFormPost,
	oauthkit.ResponseModeJWT, oauthkit.ResponseModeQueryJWT, oauthkit.ResponseModeFormPostJWT,
}

func (ff *frontFlags) register(f *pflag.FlagSet) {
	f.BoolVar(&ff.par, "par", false, "push the authorization request first (RFC 9126); without it, pushed only when the provider requires it")
	f.BoolVar(&ff.requestObject, "request-object", false, "send the authorization request as a signed request object (RFC 9101), signed with --key-file or the client secret")
	f.StringVar(&ff.responseMode, "response-mode", "", "response_mode: "+strings.Join(loopbackResponseModes, ", ")+"; the .jwt modes and jwt ask for a signed response (JARM, needs --issuer)")
}

// check rejects combinations the login cannot carry out.
func (ff *frontFlags) check(p *profile, grant string) error {
	if (ff.par || ff.requestObject || ff.responseMode != "") && grant != grantAuthorizationCode {
		return usageError{errors.New("--par, --request-object and --response-mode apply to the authorization_code grant only")}
	}
	if m := ff.responseMode; m != "" && !slices.Contains(loopbackResponseModes, m) {
		return usageError{fmt.Errorf("--response-mode %q: want one of %s (a fragment never reaches the loopback redirect)", m, strings.Join(loopbackResponseModes, ", "))}
	}
	if strings.HasSuffix(ff.responseMode, "jwt") && p.Issuer == "" {
		return usageError{fmt.Errorf("--response-mode %s needs --issuer: the response is verified with the provider's keys", ff.responseMode)}
	}
	if ff.requestObject && p.KeyFile == "" && p.ClientSecret == "" {
		return usageError{errors.New("--request-object needs --key-file or a client secret to sign the request object")}
	}
	return nil
}

// configure sets up request objects, signed with the --key-file key
// (also when it is not the client authentication key) or the secret.
func (ff *frontFlags) configure(cfg *oauthkit.Config) error {
	if !ff.requestObject {
		return nil
	}
	cfg.RequestObject = &oauthkit.RequestObjectConfig{Key: cfg.ClientKey}
	if ff.par && cfg.PushedAuthURL == "" {
		return usageError{errors.New("--par: the provider names no pushed_authorization_request_endpoint (give --issuer)")}
	}
	return nil
}

// options returns the authorization request options of the flags.
func (ff *frontFlags) options() []oauthkit.AuthURLOption {
	var opts []oauthkit.AuthURLOption
	if ff.requestObject {
		opts = append(opts, oauthkit.WithRequestObject())
	}
	if ff.responseMode != "" {
		opts = append(opts, oauthkit.WithResponseMode(ff.responseMode))
	}
	return opts
}

// authorize builds the authorization request: pushed with --par, or when
// the provider requires it; locally otherwise.
func (ff *frontFlags) authorize(ctx context.Context, s *oauthkit.Session, opts []oauthkit.AuthURLOption) (*oauthkit.AuthorizationRequest, error) {
	opts = append(opts, ff.options()...)
	if ff.par {
		if s.Config().PushedAuthURL == "" {
			return nil, usageError{errors.New("--par: the provider names no pushed_authorization_request_endpoint (give --issuer)")}
		}
		return s.PushAuthorizationRequest(ctx, opts...)
	}
	return s.AuthorizationURLContext(ctx, opts...)
}

// callbackParams returns the response parameters of a request to the
// loopback redirect: the query of a GET, the form of a form_post POST.
func callbackParams(r *http.Request) url.Values {
	if r.Method != http.MethodPost {
		return r.URL.Query()
	}
	r.Body = http.MaxBytesReader(nil, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		return nil
	}
	return r.PostForm
}

// jarmResponse reports whether q is a JWT-secured response: one response
// parameter, whose state is checked once the session has verified it.
func jarmResponse(q url.Values) bool {
	return len(q["response"]) == 1 && q.Get("response") != ""
}
