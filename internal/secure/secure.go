// Package secure holds the transport rules that every package of the
// module applies: which hosts are loopback, which URLs may carry
// credentials, and which redirects an HTTP client may follow.
package secure

import (
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
)

// maxRedirects is how many redirects a following client takes, as
// net/http's default policy.
const maxRedirects = 10

// IsLoopback reports whether host, as [url.URL.Hostname] returns it, is a
// loopback host (RFC 8252 section 8.3): "localhost", an address in
// 127.0.0.0/8, ::1, or the IPv4-mapped form of one of them. Names that
// only look local ("127.0.0.1.example", "localhost.example"), 0.0.0.0 and
// other mapped addresses are not.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	if err != nil || ip.Zone() != "" {
		return false
	}
	return ip.Unmap().IsLoopback()
}

// CheckTransport says why u may not carry a token, a code or a secret:
// it must be https, or http to a loopback host, or http anywhere when
// allowHTTP. It returns nil when u may. u must be absolute.
func CheckTransport(u *url.URL, allowHTTP bool) error {
	switch scheme := strings.ToLower(u.Scheme); {
	case scheme == "https":
		return nil
	case scheme == "http" && (allowHTTP || IsLoopback(u.Hostname())):
		return nil
	case scheme == "http":
		return fmt.Errorf("http://%s is neither https nor loopback", u.Host)
	}
	return fmt.Errorf("scheme %q of %s is not https", u.Scheme, Redacted(u))
}

// CheckEndpoint lists every problem of a configured endpoint URL: not
// absolute http(s), no host, user info (which makes a host look like
// another, as in http://localhost@example.com/) and a fragment, each a
// separate error in problems; and, separately, the [CheckTransport]
// problem of plain http to a host that is not loopback.
func CheckEndpoint(raw string, allowHTTP bool) (problems []error, insecure error) {
	u, err := url.Parse(raw)
	if err != nil {
		return []error{err}, nil
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		problems = append(problems, fmt.Errorf("scheme %q is not http or https", u.Scheme))
	}
	if u.Host == "" {
		problems = append(problems, errors.New("no host"))
	}
	if u.User != nil {
		problems = append(problems, errors.New("has user info"))
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		problems = append(problems, errors.New("has a fragment"))
	}
	if u.Scheme == "http" && u.Host != "" {
		insecure = CheckTransport(u, allowHTTP)
	}
	return problems, insecure
}

// IsPrivateUseScheme reports whether scheme is a private-use URI scheme
// a native app may receive its authorization response at (RFC 8252
// section 7.1): one in reverse domain name form, such as
// "com.example.app", which therefore holds a period. Schemes a browser
// runs or reads itself (javascript, data, file, ...) hold none, nor do
// http and https.
func IsPrivateUseScheme(scheme string) bool {
	return strings.Contains(scheme, ".")
}

// CheckRedirectURI lists every problem of a client's redirect URI, as
// [CheckEndpoint] does for an endpoint: it must be absolute and carry no
// fragment (RFC 6749 section 3.1.2); an http(s) one needs a host and no
// user info, and plain http to a host that is not loopback is the
// separate insecure problem unless allowHTTP (RFC 8252 section 7.3 allows
// any port of a loopback host). A private-use scheme
// ([IsPrivateUseScheme]) needs no host, as in
// com.example.app:/oauth2redirect.
func CheckRedirectURI(raw string, allowHTTP bool) (problems []error, insecure error) {
	u, err := url.Parse(raw)
	if err != nil {
		return []error{err}, nil
	}
	switch scheme := strings.ToLower(u.Scheme); {
	case scheme == "http" || scheme == "https":
		return CheckEndpoint(raw, allowHTTP)
	case scheme == "":
		problems = append(problems, errors.New("not an absolute uri"))
	case !IsPrivateUseScheme(scheme):
		problems = append(problems, fmt.Errorf("scheme %q is neither http(s) nor a private-use scheme in reverse domain name form (RFC 8252 section 7.1)", u.Scheme))
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		problems = append(problems, errors.New("has a fragment"))
	}
	return problems, nil
}

// Redacted returns u without user info and query values, for messages.
func Redacted(u *url.URL) string {
	c := *u
	c.User = nil
	if c.RawQuery != "" {
		q := c.Query()
		for k := range q {
			q[k] = []string{"..."}
		}
		c.RawQuery = q.Encode()
	}
	c.Fragment, c.RawFragment = "", ""
	return c.String()
}

// SameOrigin reports whether a and b have the same scheme, host and port
// (RFC 6454).
func SameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host)
}

// CrossOriginRedirect reports whether req follows a redirect away from
// the origin of the request the caller made, so that a transport adding
// credentials must leave them out.
func CrossOriginRedirect(req *http.Request) bool {
	first := req
	for first.Response != nil && first.Response.Request != nil {
		first = first.Response.Request
	}
	return first != req && !SameOrigin(first.URL, req.URL)
}

// NoRedirects returns a copy of c (nil: [http.DefaultClient]) that does
// not follow redirects: the 3xx answer itself is returned. Endpoints that
// receive client credentials or grants have no redirect semantics (RFC
// 6749), and following one would hand them to wherever it points.
func NoRedirects(c *http.Client) *http.Client {
	n := clone(c)
	n.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return n
}

// RedirectPolicy says which redirects a following client may take.
type RedirectPolicy struct {
	// AllowHTTP permits http targets that are not loopback, unless the
	// redirect comes from https: a redirect never downgrades to plain
	// http, except to loopback.
	AllowHTTP bool
	// SameOrigin permits only targets of the first request's origin, for
	// requests that carry a bearer token.
	SameOrigin bool
	// Sentinel, if set, is wrapped by every refusal.
	Sentinel error
}

// Follow returns a copy of c (nil: [http.DefaultClient]) that follows at
// most 10 redirects, each allowed by p, then consults c's own
// CheckRedirect, if any.
func (p RedirectPolicy) Follow(c *http.Client) *http.Client {
	n := clone(c)
	next := n.CheckRedirect
	n.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if err := p.check(req, via); err != nil {
			return err
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
	return n
}

func (p RedirectPolicy) check(req *http.Request, via []*http.Request) error {
	refuse := func(format string, a ...any) error {
		msg := fmt.Sprintf("redirect to %s refused: "+format, append([]any{Redacted(req.URL)}, a...)...)
		if p.Sentinel != nil {
			return fmt.Errorf("%w: %s", p.Sentinel, msg)
		}
		return errors.New(msg)
	}
	if len(via) >= maxRedirects {
		return refuse("stopped after %d redirects", maxRedirects)
	}
	prev, first := via[len(via)-1].URL, via[0].URL
	if p.SameOrigin && !SameOrigin(first, req.URL) {
		return refuse("not the origin of %s", Redacted(first))
	}
	allowHTTP := p.AllowHTTP && prev.Scheme != "https"
	if err := CheckTransport(req.URL, allowHTTP); err != nil {
		return refuse("%v", err)
	}
	return nil
}

func clone(c *http.Client) *http.Client {
	if c == nil {
		c = http.DefaultClient
	}
	n := *c
	return &n
}
