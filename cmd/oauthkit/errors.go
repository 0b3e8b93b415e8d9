package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/oauthkit/oauthkit"
)

// Exit codes, documented in the root command's help.
const (
	exitOK      = 0
	exitUsage   = 1
	exitAuth    = 2
	exitNetwork = 3
)

// errUserTimeout ends a login whose user did not finish within --timeout:
// the authorization failed (exit code 2).
var errUserTimeout = errors.New("timed out waiting for the user")

// usageError is a mistake on the command line: exit code 1.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// opError says what was being tried when err happened, for the one-line
// report.
type opError struct {
	op  string
	err error
}

func (e *opError) Error() string { return e.op + ": " + trimPrefix(e.err.Error()) }
func (e *opError) Unwrap() error { return e.err }

// tried wraps err with what was being tried; nil stays nil.
func tried(err error, format string, a ...any) error {
	if err == nil {
		return nil
	}
	return &opError{op: fmt.Sprintf(format, a...), err: err}
}

// reportedError is a failure the command has already explained on its
// output (such as a failed demo step); it keeps the exit code of its cause.
type reportedError struct {
	msg string
	err error
}

func (e *reportedError) Error() string { return e.msg }
func (e *reportedError) Unwrap() error { return e.err }

func isReported(err error) bool {
	var r *reportedError
	return errors.As(err, &r)
}

// authSentinels are the library errors that mean the authorization failed.
var authSentinels = []error{
	oauthkit.ErrStateMismatch, oauthkit.ErrAuthorizationIssuerMismatch, oauthkit.ErrMissingCode,
	oauthkit.ErrInvalidTokenResponse, oauthkit.ErrUnsupportedTokenType, oauthkit.ErrTokenExpired,
	oauthkit.ErrNoRefreshToken, oauthkit.ErrNoToken, oauthkit.ErrResponseTooLarge,
}

// exitCode maps err to the documented exit codes.
func exitCode(ctx context.Context, err error) int {
	if errors.As(err, new(usageError)) || errors.Is(err, oauthkit.ErrInvalidConfig) {
		return exitUsage
	}
	if errors.As(err, new(*oauthkit.Error)) || errors.As(err, new(*oauthkit.ResponseError)) {
		return exitAuth
	}
	if se, ok := errors.AsType[statusError](err); ok {
		if se.status == http.StatusUnauthorized || se.status == http.StatusForbidden {
			return exitAuth
		}
		return exitUsage
	}
	for _, s := range authSentinels {
		if errors.Is(err, s) {
			return exitAuth
		}
	}
	if isNetwork(err) || (ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded)) {
		return exitNetwork
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, errUserTimeout) {
		return exitAuth
	}
	var r *reportedError
	if errors.As(err, &r) {
		return exitAuth
	}
	return exitUsage
}

func isNetwork(err error) bool {
	var ne net.Error
	var ue *url.Error
	var oe *net.OpError
	return errors.As(err, &ne) || errors.As(err, &ue) || errors.As(err, &oe)
}

// errorLine is the one line printed for a failed command: what was
// tried, the server's answer, and a hint when one helps.
func errorLine(err error) string {
	msg := "oauthkit: " + trimPrefix(err.Error())
	if h := hint(err); h != "" {
		msg += " (hint: " + h + ")"
	}
	return msg
}

// hint suggests what to check after err.
func hint(err error) string {
	if e, ok := errors.AsType[*oauthkit.Error](err); ok {
		return codeHints[e.Code]
	}
	switch {
	case errors.Is(err, oauthkit.ErrStateMismatch):
		return "the callback does not belong to this login attempt; start the login again"
	case errors.Is(err, oauthkit.ErrAuthorizationIssuerMismatch):
		return "the response came from another authorization server (a mix-up attack?); check --issuer"
	case errors.Is(err, oauthkit.ErrInsecureTransport):
		return "use https, or set OAUTHKIT_INSECURE_TRANSPORT=1 for a development server"
	case errors.Is(err, oauthkit.ErrTokenExpired), errors.Is(err, oauthkit.ErrNoRefreshToken):
		return "log in again"
	case errors.As(err, new(*oauthkit.ResponseError)):
		return "the endpoint did not answer like an OAuth server; check the URL"
	case isNetwork(err):
		return "check the URL and that the server is reachable"
	}
	return ""
}

var codeHints = map[string]string{
	oauthkit.ErrorCodeInvalidClient:           "check the client id, the secret and --auth-method",
	oauthkit.ErrorCodeInvalidGrant:            "the code, refresh token or credentials are wrong, expired or revoked; log in again",
	oauthkit.ErrorCodeUnauthorizedClient:      "the client is not registered for this grant; check --grant and the client's registration",
	oauthkit.ErrorCodeInvalidScope:            "check --scope against the scopes the client may request",
	oauthkit.ErrorCodeUnsupportedGrantType:    "the server does not offer this --grant",
	oauthkit.ErrorCodeAccessDenied:            "the user or the server refused the request",
	oauthkit.ErrorCodeUnsupportedResponseType: "the server does not offer this flow for this client",
	oauthkit.ErrorCodeInvalidRequest:          "a parameter is missing or wrong; try --verbose to see the request",
	oauthkit.ErrorCodeServerError:             "the server failed; try again later",
	oauthkit.ErrorCodeTemporarilyUnavailable:  "the server is busy; try again later",
	oauthkit.ErrorCodeExpiredToken:            "the device code expired; start again and approve sooner",
}

// trimPrefix removes the library's "oauthkit: " prefixes, so that the
// report carries the prefix once.
func trimPrefix(s string) string {
	return strings.ReplaceAll(s, "oauthkit: ", "")
}
