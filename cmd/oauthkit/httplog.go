package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"
)

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

// maxLogBody bounds the part of a body the transport logs; the whole
// body is sent, and handed on, however long.
const maxLogBody = 1 << 20

// RoundTrip logs req, sends a copy of it with base, and logs the answer.
func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var reqBody []byte
	if req.Body != nil && req.Body != http.NoBody {
		prefix, rest, err := peek(req.Body)
		if err != nil {
			return nil, err
		}
		reqBody = prefix
		req = req.Clone(req.Context())
		req.Body = rest
	}
	t.logRequest(req, reqBody)
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		t.printf("%s %s", t.style.red("✗"), t.red.scrub(trimPrefix(err.Error())))
		return nil, err
	}
	prefix, rest, err := peek(resp.Body)
	if err != nil {
		return nil, err
	}
	resp.Body = rest
	t.logResponse(resp, prefix)
	return resp, nil
}

// peek reads up to maxLogBody bytes of body and returns them with a body
// that reads everything again, prefix first; closing it closes body.
func peek(body io.ReadCloser) ([]byte, io.ReadCloser, error) {
	prefix, err := io.ReadAll(io.LimitReader(body, maxLogBody))
	if err != nil {
		body.Close()
		return nil, nil, err
	}
	return prefix, struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(prefix), body), body}, nil
}

func (t *logTransport) logRequest(req *http.Request, body []byte) {
	line := t.style.cyan("→ "+req.Method) + " " + t.url(req.URL.String())
	if h := req.Header.Get("Authorization"); h != "" {
		line += t.style.dim("  Authorization: ") + t.red.authorization(h)
	}
	if s := t.body(req.Header.Get("Content-Type"), body); s != "" {
		line += t.style.dim("  body: ") + s
	}
	t.printf("%s", line)
}

// body formats a logged body, noting when only its start was read.
func (t *logTransport) body(contentType string, b []byte) string {
	s := t.red.body(contentType, b)
	if len(b) >= maxLogBody {
		s += t.style.dim(" (the first MiB of a longer body)")
	}
	return s
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
	if s := t.body(resp.Header.Get("Content-Type"), body); s != "" && resp.StatusCode/100 != 3 {
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
