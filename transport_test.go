package oauthkit

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestTransport_authorizes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		placement TokenPlacement
		method    string
		body      string
		check     func(t *testing.T, r recorded)
	}{
		{name: "header", placement: TokenInHeader, method: "GET", check: func(t *testing.T, r recorded) {
			if got := r.Header.Get("Authorization"); got != "Bearer tok" {
				t.Errorf("Authorization = %q", got)
			}
		}},
		{name: "body", placement: TokenInBody, method: "POST", body: "a=b", check: func(t *testing.T, r recorded) {
			if r.Form.Get("access_token") != "tok" || r.Form.Get("a") != "b" {
				t.Errorf("form = %v", r.Form)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
			s := mustSession(t, Config{TokenPlacement: tt.placement})
			s.SetToken(&Token{AccessToken: "tok", TokenType: "Bearer"})
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req, _ := http.NewRequestWithContext(t.Context(), tt.method, srv.URL+"/r?keep=1", body)
			if tt.body != "" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			req.Header.Set("X-Mine", "1")
			before := req.URL.String()
			resp, err := s.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			tt.check(t, srv.last(t))
			if req.Header.Get("Authorization") != "" || req.URL.String() != before || len(req.Header) != 2 && tt.body != "" || len(req.Header) != 1 && tt.body == "" {
				t.Errorf("caller's request was modified: %v %v", req.URL, req.Header)
			}
		})
	}
}

func TestTransport_refuses(t *testing.T) {
	t.Parallel()
	s := mustSession(t, Config{})
	if _, err := s.Get(t.Context(), "https://example.com/"); !errors.Is(err, ErrNoToken) {
		t.Errorf("no token: err = %v", err)
	}
	s.SetToken(&Token{AccessToken: "tok", TokenType: "Bearer"})
	cb := &closeTracker{Reader: strings.NewReader("x")}
	req, _ := http.NewRequestWithContext(t.Context(), "POST", "http://api.example.com/", cb)
	if _, err := s.Do(req); !errors.Is(err, ErrInsecureTransport) {
		t.Errorf("plain http: err = %v", err)
	}
	if !cb.closed {
		t.Error("request body not closed on error")
	}
}

type closeTracker struct {
	io.Reader
	closed bool
}

func (c *closeTracker) Close() error { c.closed = true; return nil }

func TestTransport_protectedRequestHook(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {})
	s := mustSession(t, Config{Hooks: Hooks{ProtectedRequest: []func(*http.Request) error{
		func(r *http.Request) error {
			q := r.URL.Query()
			q.Set("site", "stackoverflow")
			r.URL.RawQuery = q.Encode()
			return nil
		},
		func(r *http.Request) error { r.Header.Set("X-Order", r.URL.Query().Get("site")); return nil },
	}}})
	s.SetToken(&Token{AccessToken: "tok", TokenType: "Bearer"})
	u := srv.URL + "/me"
	resp, err := s.Get(t.Context(), u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r := srv.last(t)
	if r.URL.Query().Get("site") != "stackoverflow" || r.Header.Get("X-Order") != "stackoverflow" {
		t.Errorf("hooks not applied in order: %v %v", r.URL, r.Header)
	}
	_ = url.Values{}
}

func TestTransport_redirectToOtherHostDropsToken(t *testing.T) {
	t.Parallel()
	other := newFake(t, func(w http.ResponseWriter, r *http.Request) {})
	var origin *fakeServer
	origin = newFake(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, strings.Replace(other.URL, "127.0.0.1", "localhost", 1)+"/x", http.StatusFound)
		case "/here":
			http.Redirect(w, r, origin.URL+"/final", http.StatusFound)
		}
	})
	s := mustSession(t, Config{})
	s.SetToken(&Token{AccessToken: "tok", TokenType: "Bearer"})
	for _, path := range []string{"/away", "/here"} {
		resp, err := s.Get(t.Context(), origin.URL+path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if got := other.last(t).Header.Get("Authorization"); got != "" {
		t.Errorf("token sent to another host after a redirect: %q", got)
	}
	if got := origin.last(t).Header.Get("Authorization"); got != "Bearer tok" {
		t.Errorf("same-origin redirect lost the token: %q", got)
	}
}
