package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/internal/wire"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oidc"
)

// Exit codes, documented in the root command's help and in README.md.
const (
	exitOK      = 0
	exitUsage   = 1
	exitAuth    = 2
	exitNetwork = 3
	exitLocal   = 4
	exitServer  = 5
	// exitInterrupted is 128 + SIGINT, the shell's convention; SIGTERM
	// gives 143.
	exitInterrupted = 130
)

var (
	// errUserTimeout ends a login whose user did not finish in time: the
	// authorization failed (exit code 2).
	errUserTimeout = errors.New("timed out waiting for the user")
	// errCommandTimeout ends a command that ran longer than --timeout: a
	// network error (exit code 3).
	errCommandTimeout = errors.New("timed out (--timeout)")
)

// usageError is a mistake on the command line: exit code 1, followed by
// the pointer to "oauthkit help".
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// localError is a file, directory or port of this machine that could not
// be used: exit code 4.
type localError struct{ err error }

func (e localError) Error() string { return e.err.Error() }
func (e localError) Unwrap() error { return e.err }

// hinted carries the hint of the one-line report, for errors whose cause
// alone does not say what to do.
type hinted struct {
	err  error
	hint string
}

func (e *hinted) Error() string { return e.err.Error() }
func (e *hinted) Unwrap() error { return e.err }

// withHint attaches hint to err; nil stays nil.
func withHint(err error, hint string) error {
	if err == nil {
		return nil
	}
	return &hinted{err: err, hint: hint}
}

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

// interruption is the cause of the context of a run that a signal ended.
type interruption struct{ sig os.Signal }

func (i interruption) Error() string { return "interrupted by " + i.sig.String() }

// interruptedCode is the exit code of a run whose context ended with
// cause: 128 + the signal's number, 130 (SIGINT) when no signal is known.
func interruptedCode(cause error) int {
	var i interruption
	if errors.As(cause, &i) {
		if s, ok := i.sig.(syscall.Signal); ok {
			return 128 + int(s)
		}
	}
	return exitInterrupted
}

// authSentinels are the library errors that mean the authorization failed
// or a token did not pass a check.
var authSentinels = []error{
	oauthkit.ErrStateMismatch, oauthkit.ErrAuthorizationIssuerMismatch, oauthkit.ErrMissingCode,
	oauthkit.ErrUnsupportedTokenType, oauthkit.ErrTokenExpired, oauthkit.ErrNoRefreshToken,
	oauthkit.ErrNoToken, oauthkit.ErrDeviceAccessDenied, oauthkit.ErrDeviceCodeExpired,
	jose.ErrInvalidSignature, jose.ErrAlgorithmNotAllowed, jose.ErrNoMatchingKey,
	jose.ErrKeyTypeMismatch, jose.ErrMalformedToken, jose.ErrUnsupportedAlgorithm,
	oidc.ErrInvalidSignature, oidc.ErrMalformedClaims, oidc.ErrMissingClaim, oidc.ErrInvalidIssuer,
	oidc.ErrInvalidAudience, oidc.ErrInvalidAuthorizedParty, oidc.ErrIDTokenExpired,
	oidc.ErrIDTokenNotYetValid, oidc.ErrIssuedInFuture, oidc.ErrInvalidNonce, oidc.ErrInvalidAtHash,
	oidc.ErrMissingAtHash, oidc.ErrInvalidCHash, oidc.ErrMissingCHash, oidc.ErrAuthTimeRequired,
	oidc.ErrAuthTooOld, oidc.ErrSubjectMismatch, oidc.ErrDiscoveryIssuerMismatch,
	errUserTimeout,
}

// exitCode maps err to the documented exit codes. ctx is the run's
// context: when it ended, a signal interrupted the run.
func exitCode(ctx context.Context, err error) int {
	switch {
	case ctx.Err() != nil:
		return interruptedCode(context.Cause(ctx))
	case isUsage(err):
		return exitUsage
	case errors.As(err, new(localError)):
		return exitLocal
	case errors.As(err, new(*oauthkit.Error)):
		return exitAuth
	}
	if status, ok := httpStatus(err); ok {
		if status == http.StatusUnauthorized || status == http.StatusForbidden {
			return exitAuth
		}
		return exitServer
	}
	for _, s := range authSentinels {
		if errors.Is(err, s) {
			return exitAuth
		}
	}
	switch {
	case isNetwork(err), errors.Is(err, errCommandTimeout), errors.Is(err, context.DeadlineExceeded):
		return exitNetwork
	case errors.As(err, new(*oauthkit.ResponseError)), errors.Is(err, oidc.ErrInvalidMetadata), errors.Is(err, jose.ErrJWKSFetch),
		errors.Is(err, wire.ErrTooLarge), errors.Is(err, oauthkit.ErrResponseTooLarge):
		return exitServer
	case isLocal(err):
		return exitLocal
	case errors.As(err, new(*reportedError)):
		return exitAuth
	}
	return exitUsage
}

// isUsage reports whether err is a mistake in the flags, arguments or
// configuration.
func isUsage(err error) bool {
	return errors.As(err, new(usageError)) || errors.Is(err, oauthkit.ErrInvalidConfig) || errors.Is(err, oidc.ErrNoAuthMethod)
}

// httpStatus is the status of an answer err reports: a protected
// resource's error status, or an endpoint's answer that is not OAuth.
func httpStatus(err error) (int, bool) {
	if se, ok := errors.AsType[statusError](err); ok {
		return se.status, true
	}
	if re, ok := errors.AsType[*oauthkit.ResponseError](err); ok && re.StatusCode >= 300 {
		return re.StatusCode, true
	}
	if fe, ok := errors.AsType[*jose.FetchError](err); ok && fe.StatusCode >= 300 {
		return fe.StatusCode, true
	}
	return 0, false
}

// isNetwork reports whether err is a failure to reach a server. It does
// not test for net.Error: a syscall.Errno such as EACCES satisfies that
// interface too.
func isNetwork(err error) bool {
	if oe, ok := errors.AsType[*net.OpError](err); ok {
		return oe.Op != "listen"
	}
	return errors.As(err, new(*url.Error)) || errors.As(err, new(*net.DNSError))
}

// isLocal reports whether err is about a file or directory here.
func isLocal(err error) bool {
	return errors.As(err, new(*fs.PathError)) || errors.As(err, new(*os.LinkError)) ||
		errors.As(err, new(*os.SyscallError))
}

// errorLine is the one line printed for a failed command: what was
// tried, the server's answer, and a hint when one helps. Words meant for
// Go programs are put in the command line's terms.
func errorLine(err error) string {
	msg := cliWords.Replace(trimPrefix(err.Error()))
	if h := hint(err); h != "" && !strings.Contains(msg, h) {
		msg += " (hint: " + h + ")"
	}
	return "oauthkit: " + msg
}

// cliWords replaces library configuration names in messages with what
// the command line calls them.
var cliWords = strings.NewReplacer(
	" (InsecureAllowHTTP permits http)", "",
	"InsecureAllowHTTP", "OAUTHKIT_INSECURE_TRANSPORT=1",
	"ProviderConfig.ClientID", "--client-id",
)

// trimPrefix removes the library's "oauthkit: " prefixes, so that the
// report carries the prefix once.
func trimPrefix(s string) string {
	return strings.ReplaceAll(s, "oauthkit: ", "")
}
