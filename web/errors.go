package web

import (
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oidc"
)

// ErrInvalidConfig is [oauthkit.ErrInvalidConfig]: a [Config] or
// [Provider] that cannot work. One name, one meaning across the module.
var ErrInvalidConfig = oauthkit.ErrInvalidConfig

// Sentinel errors, matchable with [errors.Is]. Besides these, the handlers
// report [oauthkit.ErrStateMismatch] for a callback whose state belongs to
// no login in progress of this browser, [*oauthkit.Error] for an error=
// answer of the provider (Endpoint "authorization") or of its token
// endpoint, and the oidc sentinels, wrapped in [ErrIDToken], for an ID
// token that fails verification.
var (
	// ErrUnknownProvider means a request named a provider that is not
	// registered.
	ErrUnknownProvider = errors.New("web: unknown provider")
	// ErrFlowNotFound means a callback arrived with no login in progress
	// in this browser: never started here, expired and dropped by the
	// browser, or already completed.
	ErrFlowNotFound = errors.New("web: no login in progress")
	// ErrFlowExpired means the login flow is older than Config.FlowTTL.
	ErrFlowExpired = errors.New("web: login flow expired")
	// ErrTampered means a sealed value (the flow cookie) did not open:
	// changed, truncated, sealed for another name or with a key that is no
	// longer configured.
	ErrTampered = errors.New("web: sealed value is not authentic")
	// ErrFlowReplayed means a callback for a state that has been accepted
	// already: a state is accepted once only.
	ErrFlowReplayed = errors.New("web: callback already used")
	// ErrIDToken means the provider's ID token failed verification; the
	// error also matches the oidc sentinel of the failed check, such as
	// [oidc.ErrInvalidNonce].
	ErrIDToken = errors.New("web: id token rejected")
	// ErrLoginRequired is what [Login.RequireLogin] reports for an
	// anonymous request it cannot redirect (not a GET or HEAD).
	ErrLoginRequired = errors.New("web: login required")
	// ErrCrossOrigin means a logout was posted from another site's page
	// (cross-site request forgery) and was refused before the app's
	// session was touched.
	ErrCrossOrigin = errors.New("web: cross-origin request refused")
)

// idTokenErrors are the oidc sentinels of ID-token verification.
var idTokenErrors = []error{
	oidc.ErrInvalidSignature, oidc.ErrMalformedClaims, oidc.ErrMissingClaim, oidc.ErrInvalidIssuer,
	oidc.ErrInvalidAudience, oidc.ErrInvalidAuthorizedParty, oidc.ErrIDTokenExpired, oidc.ErrIDTokenNotYetValid,
	oidc.ErrIssuedInFuture, oidc.ErrInvalidNonce, oidc.ErrInvalidAtHash, oidc.ErrMissingAtHash,
	oidc.ErrInvalidCHash, oidc.ErrMissingCHash, oidc.ErrAuthTimeRequired, oidc.ErrAuthTooOld,
	oidc.ErrSubjectMismatch, oidc.ErrIDTokenNotVerified,
}

// markIDTokenError wraps err in ErrIDToken when an ID-token check failed.
func markIDTokenError(err error) error {
	if err == nil || errors.Is(err, ErrIDToken) {
		return err
	}
	if slices.ContainsFunc(idTokenErrors, func(s error) bool { return errors.Is(err, s) }) {
		return &wrapped{sentinel: ErrIDToken, err: err}
	}
	return err
}

// wrapped matches both a web sentinel and the error it describes, with
// one message.
type wrapped struct {
	sentinel error
	err      error
}

func (w *wrapped) Error() string   { return w.sentinel.Error() + ": " + trimPrefix(w.err.Error()) }
func (w *wrapped) Unwrap() []error { return []error{w.sentinel, w.err} }

// Error is what the handlers hand to the ErrorHandler: the step that
// failed, the provider it was for, and why. Match the cause with
// [errors.Is] and [errors.As] on the Error itself.
type Error struct {
	// Step is "login" (the redirect to the provider), "callback",
	// "logout" or "logout return".
	Step string
	// Provider is the provider's name, if known.
	Provider string
	// Err is the cause.
	Err error
}

// Error returns one line: the step, the provider and the cause.
func (e *Error) Error() string {
	msg := "web: " + e.Step
	if e.Provider != "" {
		msg += " " + e.Provider
	}
	return msg + ": " + trimPrefix(e.Err.Error())
}

// Unwrap returns the cause, for [errors.Is] and [errors.As].
func (e *Error) Unwrap() error { return e.Err }

// trimPrefix removes the package prefixes of a wrapped message, so that
// the result carries one.
func trimPrefix(s string) string {
	for _, p := range []string{"web: ", "oauthkit: ", "oidc: ", "jose: "} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}

// reason is the short explanation the default error page gives a user.
type reason struct {
	Code    string // a stable token, in the page as data-reason
	Message string
	Detail  string // the provider's error code and description, if any
}

// reasonOf classifies err for the error page.
func reasonOf(err error) reason {
	if e, ok := errors.AsType[*oauthkit.Error](err); ok {
		detail := e.Code
		if e.Description != "" {
			detail += ": " + e.Description
		}
		if e.Endpoint == "authorization" {
			return reason{"provider_error", "The provider did not grant the login.", detail}
		}
		return reason{"token_error", "The provider did not accept the login.", detail}
	}
	for _, c := range []struct {
		err error
		r   reason
	}{
		{ErrFlowReplayed, reason{Code: "flow_replayed", Message: "This login has been completed already. Please log in again."}},
		{ErrFlowExpired, reason{Code: "flow_expired", Message: "The login took too long. Please log in again."}},
		{ErrTampered, reason{Code: "flow_tampered", Message: "The login could not be verified. Please log in again."}},
		{ErrFlowNotFound, reason{Code: "flow_not_found", Message: "No login is in progress in this browser, or it has expired. Please log in again."}},
		{oauthkit.ErrStateMismatch, reason{Code: "state_mismatch", Message: "The provider's answer does not belong to a login started in this browser. Please log in again."}},
		{ErrIDToken, reason{Code: "id_token", Message: "The provider's identity token could not be verified."}},
		{ErrUnknownProvider, reason{Code: "unknown_provider", Message: "There is no such login provider."}},
		{ErrLoginRequired, reason{Code: "login_required", Message: "Please log in first."}},
		{ErrCrossOrigin, reason{Code: "cross_origin", Message: "This request did not come from this site's own pages."}},
	} {
		if errors.Is(err, c.err) {
			return c.r
		}
	}
	return reason{Code: "login_failed", Message: "The login failed. Please try again."}
}

var errorPage = template.Must(template.New("error").Parse(`<!DOCTYPE html>
<html lang="en">
<meta charset="utf-8">
<title>Login failed</title>
<h1>Login failed</h1>
<p id="reason" data-reason="{{.Code}}">{{.Message}}</p>
{{with .Detail}}<p id="detail"><code>{{.}}</code></p>{{end}}
<p><a href="/">Home</a></p>
`))

// DefaultErrorHandler answers 400 Bad Request with a small HTML page that
// says, in a sentence, what went wrong (the provider's error code and
// description, HTML-escaped, for an error= answer) and links home. It
// shows no stack trace and no internal detail; log err yourself if you
// need it, from your own ErrorHandler.
func DefaultErrorHandler(w http.ResponseWriter, r *http.Request, err error) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	w.WriteHeader(http.StatusBadRequest)
	_ = errorPage.Execute(w, reasonOf(err))
}
