package oauthtest

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
)

// Error codes of RFC 6749 §4.1.2.1 and §5.2, RFC 7009 §2.2.1, RFC 8628 §3.5
// and RFC 6750 §3.1.
const (
	errInvalidRequest          = "invalid_request"
	errInvalidClient           = "invalid_client"
	errInvalidGrant            = "invalid_grant"
	errUnauthorizedClient      = "unauthorized_client"
	errUnsupportedGrantType    = "unsupported_grant_type"
	errUnsupportedResponseType = "unsupported_response_type"
	errInvalidScope            = "invalid_scope"
	errAccessDenied            = "access_denied"
	errServerError             = "server_error"
	errAuthorizationPending    = "authorization_pending"
	errSlowDown                = "slow_down"
	errExpiredToken            = "expired_token"
	errInvalidToken            = "invalid_token"
)

// oauthError is an error answer of RFC 6749 §5.2.
type oauthError struct {
	status      int // HTTP status; zero means 400
	code        string
	description string
	// authenticate is the WWW-Authenticate challenge to send, if any:
	// RFC 6749 §5.2 requires one when the client used the Authorization
	// header and failed to authenticate.
	authenticate string
}

func (e *oauthError) Error() string {
	return fmt.Sprintf("oauthtest: %s: %s", e.code, e.description)
}

func (e *oauthError) httpStatus() int {
	if e.status == 0 {
		return http.StatusBadRequest
	}
	return e.status
}

func errorf(code, format string, args ...any) *oauthError {
	return &oauthError{code: code, description: fmt.Sprintf(format, args...)}
}

// writeError answers with the JSON error body of RFC 6749 §5.2.
func writeError(w http.ResponseWriter, e *oauthError) {
	if e.authenticate != "" {
		w.Header().Set("WWW-Authenticate", e.authenticate)
	}
	body := map[string]any{"error": e.code}
	if e.description != "" {
		body["error_description"] = e.description
	}
	writeJSON(w, e.httpStatus(), body)
}

// writeJSON answers with v as JSON. Every answer of this server may carry
// credentials or depend on them, so none may be cached (RFC 6749 §5.1).
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic("oauthtest: " + err.Error())
	}
	noStore(w)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeValues answers with v in the application/x-www-form-urlencoded
// format that some providers use for token responses.
func writeValues(w http.ResponseWriter, status int, v map[string]any) {
	q := url.Values{}
	for k, x := range v {
		q.Set(k, formValue(x))
	}
	noStore(w)
	w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(q.Encode()))
}

func formValue(x any) string {
	switch x := x.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(x)
}

func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
}

func isForm(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// parseForm parses a POST request's form-encoded body, rejecting other
// methods, other content types and repeated parameters (RFC 6749 §3.1, §3.2).
// An empty body needs no content type.
func parseForm(r *http.Request) (url.Values, *oauthError) {
	if r.Method != http.MethodPost {
		return nil, &oauthError{status: http.StatusMethodNotAllowed,
			code: errInvalidRequest, description: "method must be POST"}
	}
	if !isForm(r) && r.ContentLength != 0 {
		return nil, errorf(errInvalidRequest, "content type must be application/x-www-form-urlencoded")
	}
	if err := r.ParseForm(); err != nil {
		return nil, errorf(errInvalidRequest, "malformed body")
	}
	if e := checkRepeated(r.PostForm); e != nil {
		return nil, e
	}
	return r.PostForm, nil
}

// checkRepeated rejects parameters sent more than once (RFC 6749 §3.1),
// except resource (RFC 8707 §2) and audience (RFC 8693 §2.1), which may be.
func checkRepeated(v url.Values) *oauthError {
	for k, vs := range v {
		if len(vs) > 1 && k != "resource" && k != "audience" {
			return errorf(errInvalidRequest, "parameter %q repeated", k)
		}
	}
	return nil
}
