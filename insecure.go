package oauthkit

import (
	"fmt"
	"net/url"

	"github.com/oauthkit/oauthkit/internal/secure"
)

// checkURLTransport applies the module's one transport rule (see
// [secure.CheckTransport]) and reports a refusal as ErrInsecureTransport.
func checkURLTransport(u *url.URL, allowHTTP bool) error {
	if u.Scheme == "https" {
		return nil // the common case, on every protected request
	}
	if err := secure.CheckTransport(u, allowHTTP); err != nil {
		return fmt.Errorf("%w: %v", ErrInsecureTransport, err)
	}
	return nil
}

// redactedURL is raw without user info and query values, for messages.
func redactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable url)"
	}
	return secure.Redacted(u)
}
