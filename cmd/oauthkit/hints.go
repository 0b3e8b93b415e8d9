package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"syscall"

	"github.com/oauthkit/oauthkit"
)

// hint suggests what to check after err.
func hint(err error) string {
	if h, ok := errors.AsType[*hinted](err); ok {
		return h.hint
	}
	if e, ok := errors.AsType[*oauthkit.Error](err); ok {
		return codeHints[e.Code]
	}
	if status, ok := httpStatus(err); ok {
		if status == http.StatusUnauthorized || status == http.StatusForbidden {
			return "the server refused the token; check --scope, or log in again"
		}
		return "the URL is wrong or the server failed; try --verbose to see the answer"
	}
	switch {
	case errors.Is(err, oauthkit.ErrStateMismatch):
		return "the callback does not belong to this login attempt; start the login again"
	case errors.Is(err, oauthkit.ErrAuthorizationIssuerMismatch):
		return "the response came from another authorization server (a mix-up attack?); check --issuer"
	case errors.Is(err, oauthkit.ErrInsecureTransport), strings.Contains(err.Error(), "InsecureAllowHTTP"):
		return "use https, or set OAUTHKIT_INSECURE_TRANSPORT=1 for a development server"
	case errors.Is(err, oauthkit.ErrTokenExpired), errors.Is(err, oauthkit.ErrNoRefreshToken):
		return "log in again"
	case errors.As(err, new(*oauthkit.ResponseError)) && !isNetwork(err):
		return "the endpoint did not answer like an OAuth server; check the URL"
	case isNetwork(err):
		return "check the URL and that the server is reachable"
	}
	return localHint(err)
}

// localHint suggests what to check after a failure on this machine.
func localHint(err error) string {
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return "another program uses the port; pick another --redirect-port, or 0 for a free one"
	case errors.Is(err, fs.ErrPermission):
		if pe, ok := errors.AsType[*fs.PathError](err); ok {
			return fmt.Sprintf("check the permissions of %s and of its directory", pe.Path)
		}
		return "check the permissions"
	case errors.Is(err, fs.ErrNotExist):
		return "check the path"
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
