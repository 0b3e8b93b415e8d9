package oauthkit

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	scrub "github.com/oauthkit/oauthkit/internal/redact"
)

// Sentinel errors, matchable with [errors.Is]. They are returned wrapped
// with detail, so compare with errors.Is, never with ==.
var (
	// ErrStateMismatch means the state of an authorization response differs
	// from the state sent with the request (a possible CSRF attack). No token
	// request is sent.
	ErrStateMismatch = errors.New("oauthkit: state mismatch")
	// ErrAuthorizationIssuerMismatch means the iss parameter of an authorization response
	// (RFC 9207) differs from the expected issuer, or is missing where the
	// server is known to send it (a possible mix-up attack).
	ErrAuthorizationIssuerMismatch = errors.New("oauthkit: issuer mismatch")
	// ErrMissingCode means an authorization response carried neither a code
	// nor an error.
	ErrMissingCode = errors.New("oauthkit: authorization response has no code")
	// ErrMissingAccessToken means an implicit-grant authorization response
	// (response_type "token", RFC 6749 section 4.2.2) carried no
	// access_token and no error. A response that has one but is otherwise
	// unusable is [ErrInvalidTokenResponse] instead.
	ErrMissingAccessToken = errors.New("oauthkit: authorization response has no access token")
	// ErrInsecureTransport means a token, code or secret would travel over
	// plain http to a host that is not loopback. See
	// [Config.InsecureAllowHTTP].
	ErrInsecureTransport = errors.New("oauthkit: insecure transport")
	// ErrNoToken means the session holds no token.
	ErrNoToken = errors.New("oauthkit: no token")
	// ErrNoRefreshToken means a refresh was asked for but there is no
	// refresh token.
	ErrNoRefreshToken = errors.New("oauthkit: no refresh token")
	// ErrTokenExpired means the session's token has expired and cannot be
	// renewed: there is no refresh token and no grant to fetch a new one.
	ErrTokenExpired = errors.New("oauthkit: token expired")
	// ErrInvalidTokenResponse means a token endpoint answered 2xx with a body
	// that is not a usable token: no access_token, no or an unusable
	// token_type, or a body that is neither JSON nor a form.
	ErrInvalidTokenResponse = errors.New("oauthkit: invalid token response")
	// ErrUnsupportedTokenType means the token's type is one the session
	// cannot use to authorize requests.
	ErrUnsupportedTokenType = errors.New("oauthkit: unsupported token type")
	// ErrResponseTooLarge means a response body exceeded the size limit
	// (1 MiB).
	ErrResponseTooLarge = errors.New("oauthkit: response too large")
	// ErrInvalidCodeVerifier means a PKCE code verifier does not follow
	// RFC 7636 section 4.1: 43 to 128 unreserved characters.
	ErrInvalidCodeVerifier = errors.New("oauthkit: invalid code verifier")
	// ErrNoEndpoint means a call needs an endpoint URL that is neither
	// configured nor given.
	ErrNoEndpoint = errors.New("oauthkit: endpoint not configured")
	// ErrInvalidConfig is wrapped by every error [NewSession] returns for a
	// bad [Config].
	ErrInvalidConfig = errors.New("oauthkit: invalid config")
	// ErrNoFormBody means a protected request cannot carry the token in
	// its body, as [TokenInBody] asks: its method is GET (or another
	// without body semantics) or its body is not form-encoded (RFC 6750
	// section 2.2). Nothing is sent.
	ErrNoFormBody = errors.New("oauthkit: token in body needs a form body")
	// ErrRedirect means an endpoint answered with a redirect that was not
	// followed. The token, revocation, introspection and device
	// authorization endpoints receive client credentials and grants, for
	// which RFC 6749 defines no redirects: their 3xx answers are never
	// followed. Discovery, JWKS and userinfo requests follow only redirects
	// that keep the transport secure (userinfo: within the same origin
	// only, so the bearer token never leaves it). The error is, or wraps,
	// a [*ResponseError] whose Location names the target.
	ErrRedirect = errors.New("oauthkit: redirect refused")
)

// Error codes of RFC 6749 sections 4.1.2.1 and 5.2, RFC 7009 section 2.2.1
// and RFC 8628 section 3.5, for comparison with [Error.Code].
const (
	ErrorCodeInvalidRequest          = "invalid_request"
	ErrorCodeInvalidClient           = "invalid_client"
	ErrorCodeInvalidGrant            = "invalid_grant"
	ErrorCodeUnauthorizedClient      = "unauthorized_client"
	ErrorCodeUnsupportedGrantType    = "unsupported_grant_type"
	ErrorCodeInvalidScope            = "invalid_scope"
	ErrorCodeAccessDenied            = "access_denied"
	ErrorCodeUnsupportedResponseType = "unsupported_response_type"
	ErrorCodeServerError             = "server_error"
	ErrorCodeTemporarilyUnavailable  = "temporarily_unavailable"
	ErrorCodeUnsupportedTokenType    = "unsupported_token_type"
	ErrorCodeAuthorizationPending    = "authorization_pending"
	ErrorCodeSlowDown                = "slow_down"
	ErrorCodeExpiredToken            = "expired_token"
)

// Error is an error answered by the authorization server: the error=
// parameters of an authorization response (RFC 6749 section 4.1.2.1), or an
// error body from the token, revocation, introspection or device endpoint
// (RFC 6749 section 5.2). Match it with [errors.As].
type Error struct {
	// Endpoint names the endpoint that answered, e.g. "token".
	Endpoint string
	// StatusCode is the HTTP status, or zero for an authorization response.
	StatusCode int
	// Code is the error code, e.g. [ErrorCodeInvalidGrant].
	Code string
	// Description is the error_description, if any.
	Description string
	// URI is the error_uri, if any.
	URI string
	// Body is the start of the response body (at most 1 KiB), for
	// debugging, as received. No rendering of the error (Error, %v, %+v,
	// %#v, LogValue) prints it; only its length shows.
	Body []byte

	retryAfter time.Duration
}

// Error returns one line naming the endpoint, code, description and
// status, with credentials redacted.
func (e *Error) Error() string {
	return scrub.String(e.message())
}

func (e *Error) message() string {
	var b strings.Builder
	b.WriteString("oauthkit: ")
	b.WriteString(e.Endpoint)
	b.WriteString(" endpoint: ")
	b.WriteString(strconv.Quote(e.Code))
	if e.Description != "" {
		b.WriteString(" ")
		b.WriteString(strconv.Quote(e.Description))
	}
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.StatusCode)
	}
	return b.String()
}

// ResponseError is an answer from an endpoint that is neither a usable
// result nor an RFC 6749 error body: an HTML error page, invalid JSON, an
// unexpected status, or no answer at all. Every package of the module
// reports such answers with this type (the oidc package for discovery and
// userinfo too). Match it with [errors.As].
type ResponseError struct {
	// Endpoint names the endpoint that answered, e.g. "token" or
	// "discovery".
	Endpoint string
	// URL is the URL that was requested, when the reporting call names it.
	URL string
	// StatusCode is the HTTP status, or zero when no answer came.
	StatusCode int
	// ContentType is the Content-Type of the answer.
	ContentType string
	// Location is the Location header of a redirect that was refused
	// ([ErrRedirect]).
	Location string
	// Body is the start of the response body (at most 1 KiB), as
	// received. Error, %#v and LogValue show a short snippet of it with
	// every credential-named member redacted.
	Body []byte
	// Err is the underlying cause, if any; Unwrap returns it.
	Err error

	retryAfter time.Duration
}

// Error returns one line naming the endpoint, status and a short snippet of
// the body, with every credential-named member redacted.
func (e *ResponseError) Error() string {
	return scrub.String(e.message())
}

func (e *ResponseError) message() string {
	msg := "oauthkit: " + e.Endpoint + " endpoint"
	if e.URL != "" {
		msg += " " + e.URL
	}
	if e.StatusCode != 0 {
		msg += fmt.Sprintf(": unexpected response (HTTP %d, %s)", e.StatusCode, orUnknown(e.ContentType))
	}
	if e.Err != nil {
		msg += ": " + strings.TrimPrefix(e.Err.Error(), "oauthkit: ")
	}
	if e.Location != "" {
		msg += " to " + strconv.Quote(redactedURL(e.Location))
	}
	if s := bodySnippet(e.Body); s != "" {
		msg += ": " + strconv.Quote(s)
	}
	return msg
}

// Unwrap returns the underlying cause.
func (e *ResponseError) Unwrap() error { return e.Err }

func orUnknown(s string) string {
	if s == "" {
		return "no content type"
	}
	return s
}

// bodySnippet is the start of a body for messages, credentials redacted
// before it is cut, so that a cut cannot hide a member name.
func bodySnippet(b []byte) string { return snippet([]byte(scrub.Bytes(b)), 80) }

// snippet returns the first n runes of b on one line, whitespace collapsed.
func snippet(b []byte, n int) string {
	fields := strings.Fields(string(b))
	s := strings.Join(fields, " ")
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "..."
	}
	return s
}

// bounded returns at most 1 KiB of b, copied.
func bounded(b []byte) []byte {
	const max = 1 << 10
	if len(b) > max {
		b = b[:max]
	}
	return append([]byte(nil), b...)
}

// Format prints the redacted forms: Error for %v, %+v and %s, GoString
// for %#v.
func (e Error) Format(f fmt.State, verb rune) { formatError(f, verb, &e) }

// GoString shows the fields, credentials redacted, and the length of the
// body only.
func (e Error) GoString() string {
	return fmt.Sprintf("&oauthkit.Error{Endpoint:%q, StatusCode:%d, Code:%q, Description:%q, URI:%q, Body:[]byte(len=%d)}",
		e.Endpoint, e.StatusCode, e.Code, scrub.String(e.Description), scrub.String(e.URI), len(e.Body))
}

// LogValue implements [slog.LogValuer], credentials redacted.
func (e Error) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("msg", (&e).Error()),
		slog.String("endpoint", e.Endpoint),
		slog.Int("status", e.StatusCode),
		slog.String("code", e.Code),
		slog.Int("body_bytes", len(e.Body)),
	)
}

// Format prints the redacted forms: Error for %v, %+v and %s, GoString
// for %#v.
func (e ResponseError) Format(f fmt.State, verb rune) { formatError(f, verb, &e) }

// GoString shows the fields and a snippet of the body, credentials
// redacted.
func (e ResponseError) GoString() string {
	errText := "<nil>"
	if e.Err != nil {
		errText = scrub.String(e.Err.Error())
	}
	return fmt.Sprintf("&oauthkit.ResponseError{Endpoint:%q, URL:%q, StatusCode:%d, ContentType:%q, Location:%q, Body:%q, Err:%q}",
		e.Endpoint, scrub.String(e.URL), e.StatusCode, e.ContentType, scrub.String(e.Location), bodySnippet(e.Body), errText)
}

// LogValue implements [slog.LogValuer], credentials redacted.
func (e ResponseError) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("msg", (&e).Error()),
		slog.String("endpoint", e.Endpoint),
		slog.Int("status", e.StatusCode),
		slog.String("content_type", e.ContentType),
		slog.String("body", bodySnippet(e.Body)),
	)
}

// formatError prints err for fmt: GoString for %#v, else Error (quoted
// for %q).
func formatError(f fmt.State, verb rune, err interface {
	error
	GoString() string
}) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprint(f, err.GoString())
	case verb == 'q':
		fmt.Fprintf(f, "%q", err.Error())
	default:
		fmt.Fprint(f, err.Error())
	}
}
