package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func FuzzSafeReturnTo(f *testing.F) {
	for _, s := range []string{"/", "/profile?x=1", "//evil.example", `/\evil`, "/\t/evil", "https://e/", "/%2F/e", "/%5Ce", "/%09/e", "/a/../b"} {
		f.Add(s)
	}
	base, _ := url.Parse("https://app.example/dir/page")
	f.Fuzz(func(t *testing.T, s string) {
		got := SafeReturnTo(s)
		if got != "/" && got != s {
			t.Fatalf("SafeReturnTo(%q) = %q; want the input or /", s, got)
		}
		// As a browser would read it: tabs and newlines dropped,
		// backslashes as slashes.
		browser := strings.NewReplacer("\t", "", "\n", "", "\r", "", `\`, "/")
		u, err := base.Parse(browser.Replace(got))
		if err != nil || u.Host != "app.example" || u.Scheme != "https" {
			t.Fatalf("SafeReturnTo(%q) = %q, which a browser resolves to %v", s, got, u)
		}
		// The same once a server or proxy unescapes the path.
		path, _, _ := strings.Cut(got, "?")
		if p, err := url.PathUnescape(path); err == nil {
			if u, err := base.Parse(browser.Replace(p)); err == nil && u.Host != "app.example" {
				t.Fatalf("SafeReturnTo(%q) = %q, which unescaped leaves for %v", s, got, u)
			}
		}
	})
}

func FuzzSealerOpen(f *testing.F) {
	s, err := NewSealer("flow", []byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add("c", s.Seal("c", []byte(`{"k":"login"}`)))
	f.Add("c", "")
	f.Add("", "AAAA")
	f.Fuzz(func(t *testing.T, name, value string) {
		p, err := s.Open(name, value)
		if err != nil {
			if p != nil || !errors.Is(err, ErrTampered) {
				t.Fatalf("Open(%q, %q) = %q, %v; want ErrTampered", name, value, p, err)
			}
			return
		}
		// Only values this sealer made open; re-sealing must round-trip.
		if q, err := s.Open(name, s.Seal(name, p)); err != nil || string(q) != string(p) {
			t.Fatalf("round trip of %q failed: %q, %v", p, q, err)
		}
		// A value opens only under the name it was sealed for.
		if q, err := s.Open(name+"x", value); err == nil {
			t.Fatalf("value for %q opened as %q under %q", name, q, name+"x")
		}
	})
}

func FuzzCallback(f *testing.F) {
	l, err := NewLogin(Config{
		BaseURL: "https://app.example", Keys: [][]byte{[]byte("0123456789abcdef0123456789abcdef")},
		OnLogin: func(http.ResponseWriter, *http.Request, *Result) (string, error) { return "", nil },
	})
	if err != nil {
		f.Fatal(err)
	}
	if _, err := l.Register(f.Context(), Provider{Name: "ex", ClientID: "app",
		AuthURL: "https://op.example/a", TokenURL: "https://op.example/t"}); err != nil {
		f.Fatal(err)
	}
	h := l.Handler()
	f.Add("GET", "code=c&state=S", "", "oauthkit-flow-S=x")
	f.Add("POST", "", "code=c&state=S&error=%3Cscript%3E", "")
	f.Add("GET", "error=access_denied&state=S&error_description=%22%3E%3Cb%3E", "", "oauthkit-flow-T=y")
	f.Fuzz(func(t *testing.T, method, query, body, cookie string) {
		if method != http.MethodPost {
			method = http.MethodGet
		}
		req := httptest.NewRequest(method, "/callback/ex", strings.NewReader(body))
		req.URL.RawQuery = query
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Cookie", cookie)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusBadRequest && rec.Code != http.StatusOK {
			t.Fatalf("callback answered %d; want 400 or the resubmit page", rec.Code)
		}
		if strings.Contains(rec.Body.String(), "<script>") && !strings.Contains(rec.Body.String(), "<script>document.forms[0].submit()</script>") {
			t.Fatalf("callback page has an unexpected script: %s", rec.Body.String())
		}
	})
}
