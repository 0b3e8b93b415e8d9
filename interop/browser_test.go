//go:build interop

package interop

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
)

const (
	// maxPages bounds the pages one scripted visit may go through.
	maxPages = 12
	// maxBody bounds every page the browser stand-in reads.
	maxBody = 1 << 20
)

// deviceSuccessTitle is the title of oidc-provider's default device flow
// success page.
const deviceSuccessTitle = "<title>Sign-in Success</title>"

// login plays the user's browser for an authorization request: it opens
// authURL, signs in as the test user on the provider's login page, grants
// consent, and returns the URL the provider redirected to at the client's
// redirect URI (with code, state and iss, or with error).
func login(ctx context.Context, authURL string) (callbackURL string, err error) {
	end, err := newBrowser().visit(ctx, authURL, loginFields(""))
	if err != nil {
		return "", err
	}
	if end.redirect == "" {
		return "", fmt.Errorf("interop: login ended on a page, not at the redirect URI: %.300s", end.page)
	}
	return end.redirect, nil
}

// approveDevice plays the user's browser for the device flow (RFC 8628
// section 3.3): it opens verificationURI, enters userCode if it is not empty
// (pass verification_uri_complete and an empty userCode to skip typing it),
// confirms the code, signs in, grants consent and checks the success page.
func approveDevice(ctx context.Context, verificationURI, userCode string) error {
	end, err := newBrowser().visit(ctx, verificationURI, loginFields(userCode))
	if err != nil {
		return err
	}
	if end.redirect != "" {
		return fmt.Errorf("interop: device approval redirected to %q", end.redirect)
	}
	if !strings.Contains(end.page, deviceSuccessTitle) {
		return fmt.Errorf("interop: device approval did not end on the success page: %.300s", end.page)
	}
	return nil
}

// loginFields are the form fields the user types: the test user's login and
// any password (devInteractions accepts any), and the device user code.
func loginFields(userCode string) map[string]string {
	f := map[string]string{"login": testUser["sub"].(string), "password": "any-password"}
	if userCode != "" {
		f["user_code"] = userCode
	}
	return f
}

// browser is a scripted user agent: cookies, redirects, and HTML forms that
// it submits as a user would.
type browser struct {
	client *http.Client
}

// newBrowser returns a browser with an empty cookie jar that follows
// redirects except to redirectURI, where it stops.
func newBrowser() *browser {
	jar, _ := cookiejar.New(nil) // never fails with nil options
	c := &http.Client{
		Transport: transport,
		Jar:       jar,
		Timeout:   httpClient.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if isRedirectURI(req.URL) {
				return http.ErrUseLastResponse
			}
			if len(via) >= 10 {
				return errors.New("interop: too many redirects")
			}
			return nil
		},
	}
	return &browser{client: c}
}

func isRedirectURI(u *url.URL) bool {
	r, _ := url.Parse(redirectURI)
	return u.Scheme == r.Scheme && u.Host == r.Host && u.Path == r.Path
}

// visitEnd is where a visit ended: at the redirect URI, or on a page
// without a form.
type visitEnd struct {
	redirect string // the full redirect URL, if the visit reached it
	page     string // the last page's HTML otherwise
}

// visit opens start and submits the first form of each page it gets, with
// the typed fields filled in, until it reaches the redirect URI or a page
// without a form.
func (b *browser) visit(ctx context.Context, start string, typed map[string]string) (visitEnd, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, start, nil)
	if err != nil {
		return visitEnd{}, err
	}
	for range maxPages {
		end, next, err := b.step(req, typed)
		if err != nil || next == nil {
			return end, err
		}
		req = next
	}
	return visitEnd{}, fmt.Errorf("interop: visit of %q did not end within %d pages", start, maxPages)
}

// step sends req. It returns either where the visit ended, or the request
// that submits the page's form.
func (b *browser) step(req *http.Request, typed map[string]string) (visitEnd, *http.Request, error) {
	resp, err := b.client.Do(req)
	if err != nil {
		return visitEnd{}, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return visitEnd{}, nil, err
	}
	if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 && loc != "" {
		u, err := resp.Request.URL.Parse(loc)
		if err != nil {
			return visitEnd{}, nil, fmt.Errorf("interop: bad Location %q: %w", loc, err)
		}
		return visitEnd{redirect: u.String()}, nil, nil
	}
	if resp.StatusCode != http.StatusOK {
		return visitEnd{}, nil, fmt.Errorf("interop: %s %s: HTTP %d: %.300s", req.Method, resp.Request.URL, resp.StatusCode, body)
	}
	if m := pageErrorRE.FindSubmatch(body); m != nil {
		return visitEnd{}, nil, fmt.Errorf("interop: %s %s: the page says %q", req.Method, resp.Request.URL, m[1])
	}
	f, ok := firstForm(string(body))
	if !ok {
		return visitEnd{page: string(body)}, nil, nil
	}
	if action, err := resp.Request.URL.Parse(f.action); err == nil && isRedirectURI(action) {
		// A form_post response: the page would post the response to the
		// client; the visit ends with the redirect URI and the fields as
		// its query, as a form_post handler rebuilds it.
		action.RawQuery = f.fields.Encode()
		return visitEnd{redirect: action.String()}, nil, nil
	}
	next, err := f.submit(req.Context(), resp.Request.URL, typed)
	return visitEnd{}, next, err
}

// form is an HTML form as the browser stand-in sees it.
type form struct {
	action string
	method string
	fields url.Values // named inputs with their value attributes
}

var (
	formRE  = regexp.MustCompile(`(?is)<form\b([^>]*)>(.*?)</form>`)
	inputRE = regexp.MustCompile(`(?is)<input\b([^>]*)>`)
	attrRE  = regexp.MustCompile(`(?is)([a-z][a-z0-9_.-]*)\s*=\s*"([^"]*)"`)
	// pageErrorRE matches the error message of oidc-provider's device flow
	// pages (a wrong or expired user code, an aborted sign-in).
	pageErrorRE = regexp.MustCompile(`<p class="red">([^<]*)</p>`)
)

// firstForm finds the first form in page. The provider's pages are simple
// and trusted, so regular expressions do.
func firstForm(page string) (form, bool) {
	m := formRE.FindStringSubmatch(page)
	if m == nil {
		return form{}, false
	}
	attrs := attributes(m[1])
	f := form{action: attrs["action"], method: strings.ToUpper(attrs["method"]), fields: url.Values{}}
	for _, in := range inputRE.FindAllStringSubmatch(m[2], -1) {
		a := attributes(in[1])
		if name := a["name"]; name != "" {
			f.fields.Add(name, a["value"])
		}
	}
	return f, true
}

func attributes(s string) map[string]string {
	attrs := map[string]string{}
	for _, m := range attrRE.FindAllStringSubmatch(s, -1) {
		attrs[strings.ToLower(m[1])] = html.UnescapeString(m[2])
	}
	return attrs
}

// submit builds the request that submits f from the page at base, with the
// typed values in the fields that have those names.
func (f form) submit(ctx context.Context, base *url.URL, typed map[string]string) (*http.Request, error) {
	action, err := base.Parse(f.action)
	if err != nil {
		return nil, fmt.Errorf("interop: bad form action %q: %w", f.action, err)
	}
	values := cloneValues(f.fields)
	for name := range values {
		if v, ok := typed[name]; ok {
			values.Set(name, v)
		}
	}
	if f.method != http.MethodPost {
		action.RawQuery = values.Encode()
		return http.NewRequestWithContext(ctx, http.MethodGet, action.String(), nil)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, action.String(), strings.NewReader(values.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req, nil
}
