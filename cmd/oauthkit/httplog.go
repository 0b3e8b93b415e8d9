package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// secretParams are parameter and JSON member names whose values are
// shortened in logs unless --show-secrets is given.
var secretParams = map[string]bool{
	"access_token": true, "refresh_token": true, "id_token": true, "code": true,
	"code_verifier": true, "client_secret": true, "password": true, "device_code": true,
	"client_assertion": true, "assertion": true, "token": true, "nonce": true,
	"subject_token": true, "actor_token": true, "state": true, "code_challenge": true,
}

// redactor shortens secrets to their first characters.
type redactor struct{ show bool }

// short returns the first four characters of s and an ellipsis.
func (r redactor) short(s string) string {
	if r.show || s == "" {
		return s
	}
	n := min(4, utf8.RuneCountInString(s)/2)
	return string([]rune(s)[:n]) + "…"
}

// values formats form or query parameters, secrets shortened, in a stable
// order.
func (r redactor) values(v url.Values) string {
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range v {
			if !yield(k) {
				return
			}
		}
	})
	var parts []string
	for _, k := range keys {
		for _, val := range v[k] {
			if secretParams[k] {
				val = r.short(val)
			}
			parts = append(parts, k+"="+val)
		}
	}
	return strings.Join(parts, " ")
}

// url formats u with secret query parameters and fragment members
// shortened.
func (r redactor) url(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	base := *u
	base.RawQuery, base.Fragment, base.RawFragment = "", "", ""
	s := base.String()
	if u.RawQuery != "" {
		s += "?" + r.values(u.Query())
	}
	if u.Fragment != "" {
		frag, _ := url.ParseQuery(u.Fragment)
		s += "#" + r.values(frag)
	}
	return s
}

// authorization shortens the credentials of an Authorization header.
func (r redactor) authorization(h string) string {
	scheme, cred, ok := strings.Cut(h, " ")
	if !ok {
		return r.short(h)
	}
	return scheme + " " + r.short(cred)
}

// body formats a request or response body: JSON with secret members
// shortened, a form as parameters, anything else as a short snippet.
func (r redactor) body(contentType string, b []byte) string {
	if len(bytes.TrimSpace(b)) == 0 {
		return ""
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	if mt == "application/x-www-form-urlencoded" {
		if v, err := url.ParseQuery(string(b)); err == nil {
			return r.values(v)
		}
	}
	var m map[string]any
	if json.Unmarshal(b, &m) == nil {
		for k, v := range m {
			if s, ok := v.(string); ok && secretParams[k] {
				m[k] = r.short(s)
			}
		}
		out, _ := json.Marshal(m)
		return string(out)
	}
	s := strings.Join(strings.Fields(string(b)), " ")
	if utf8.RuneCountInString(s) > 200 {
		s = string([]rune(s)[:200]) + "…"
	}
	return s
}

// logTransport is an http.RoundTripper that writes every exchange to w,
// secrets shortened: the request line, its Authorization header and body,
// then the status, interesting headers and body of the answer.
type logTransport struct {
	base   http.RoundTripper
	w      io.Writer
	red    redactor
	style  style
	indent string
	// trim is a URL prefix left out of the log, such as the demo
	// server's base URL; empty means full URLs.
	trim string
	// maxBody, if positive, cuts logged bodies to this many characters.
	maxBody int
	mu      sync.Mutex // serializes writes to w
}

// maxLogBody bounds the bodies the transport buffers to log them.
const maxLogBody = 1 << 20

// RoundTrip logs req, sends a copy of it with base, and logs the answer.
func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(io.LimitReader(req.Body, maxLogBody))
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		reqBody = b
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	t.logRequest(req, reqBody)
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		t.printf("%s %s", t.style.red("✗"), trimPrefix(err.Error()))
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxLogBody))
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	t.logResponse(resp, b)
	return resp, nil
}

func (t *logTransport) logRequest(req *http.Request, body []byte) {
	line := t.style.cyan("→ "+req.Method) + " " + t.url(req.URL.String())
	if h := req.Header.Get("Authorization"); h != "" {
		line += t.style.dim("  Authorization: ") + t.red.authorization(h)
	}
	if s := t.red.body(req.Header.Get("Content-Type"), body); s != "" {
		line += t.style.dim("  body: ") + s
	}
	t.printf("%s", line)
}

func (t *logTransport) logResponse(resp *http.Response, body []byte) {
	status := fmt.Sprintf("← %d", resp.StatusCode)
	if resp.StatusCode >= 400 {
		status = t.style.red(status)
	} else {
		status = t.style.green(status)
	}
	line := status
	for _, h := range []string{"Location", "WWW-Authenticate", "Retry-After"} {
		if v := resp.Header.Get(h); v != "" {
			if h == "Location" {
				v = t.url(v)
			}
			line += t.style.dim("  "+h+": ") + v
		}
	}
	if s := t.red.body(resp.Header.Get("Content-Type"), body); s != "" && resp.StatusCode/100 != 3 {
		if t.maxBody > 0 && utf8.RuneCountInString(s) > t.maxBody {
			s = string([]rune(s)[:t.maxBody]) + "…"
		}
		line += "  " + s
	}
	t.printf("%s", line)
}

// url formats raw for the log: secrets shortened, trim left out.
func (t *logTransport) url(raw string) string {
	s := t.red.url(raw)
	if t.trim != "" {
		s = strings.TrimPrefix(s, t.trim)
	}
	return s
}

func (t *logTransport) printf(format string, a ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.w, t.indent+format+"\n", a...)
}
