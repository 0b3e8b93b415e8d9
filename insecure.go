package oauthkit

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// checkTransport refuses plain http to anything but loopback unless allowed.
func checkTransport(raw string, allowHTTP bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("oauthkit: parsing url: %w", err)
	}
	return checkURLTransport(u, allowHTTP)
}

func checkURLTransport(u *url.URL, allowHTTP bool) error {
	if allowHTTP || strings.EqualFold(u.Scheme, "https") {
		return nil
	}
	if strings.EqualFold(u.Scheme, "http") && isLoopback(u.Hostname()) {
		return nil
	}
	return fmt.Errorf("%w: %s://%s is neither https nor loopback", ErrInsecureTransport, u.Scheme, u.Host)
}

// isLoopback reports whether host is localhost or a loopback address
// (RFC 8252 section 8.3).
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
