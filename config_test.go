package oauthkit

import (
	"errors"
	"strings"
	"testing"
)

func TestNewSession_everyURLProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		tokenURL string
		want     []string // every problem reported
		insecure bool
	}{
		{name: "fragment and http", tokenURL: "http://as.example/token#x", want: []string{"has a fragment", "neither https nor loopback"}, insecure: true},
		{name: "user info hides the host", tokenURL: "http://localhost:80@evil/token", want: []string{"has user info", "http://evil is neither https nor loopback"}, insecure: true},
		{name: "fragment hides the host", tokenURL: "http://evil#@localhost/token", want: []string{"has a fragment", "http://evil is neither"}, insecure: true},
		{name: "loopback look-alike", tokenURL: "http://127.0.0.1.evil/token", want: []string{"neither https nor loopback"}, insecure: true},
		{name: "unspecified address", tokenURL: "http://0.0.0.0/token", want: []string{"neither https nor loopback"}, insecure: true},
		{name: "mapped public address", tokenURL: "http://[::ffff:93.184.216.34]/token", want: []string{"neither https nor loopback"}, insecure: true},
		{name: "loopback v4", tokenURL: "http://127.0.0.1:8080/token"},
		{name: "loopback v4 range", tokenURL: "http://127.9.9.9/token"},
		{name: "loopback v6", tokenURL: "http://[::1]:8080/token"},
		{name: "loopback mapped", tokenURL: "http://[::ffff:127.0.0.1]/token"},
		{name: "localhost", tokenURL: "http://localhost:8080/token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewSession(Config{ClientID: "c", TokenURL: tt.tokenURL})
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("NewSession(%q) = %v, want no error", tt.tokenURL, err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidConfig) || errors.Is(err, ErrInsecureTransport) != tt.insecure {
				t.Fatalf("NewSession(%q) = %v, want ErrInvalidConfig (insecure transport %v)", tt.tokenURL, err, tt.insecure)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("NewSession(%q) = %q, does not report %q", tt.tokenURL, err, w)
				}
			}
		})
	}
}

func TestNewSession_redirectURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, redirect string
		want           string // a problem reported; empty: accepted
		insecure       bool
	}{
		{name: "https", redirect: "https://app.example/cb"},
		{name: "private-use scheme", redirect: "com.example.app:/oauth2redirect"},
		{name: "private-use scheme with authority", redirect: "com.example.app://oauth2redirect"},
		{name: "loopback v4 any port", redirect: "http://127.0.0.1:51004/cb"},
		{name: "loopback v6", redirect: "http://[::1]:8080/cb"},
		{name: "localhost", redirect: "http://localhost:3000/cb"},
		{name: "http elsewhere", redirect: "http://app.example/cb", want: "neither https nor loopback", insecure: true},
		{name: "scheme not in reverse domain form", redirect: "myapp:/cb", want: "reverse domain name form"},
		{name: "script scheme", redirect: "javascript:alert(1)", want: `scheme "javascript"`},
		{name: "fragment", redirect: "com.example.app:/cb#x", want: "has a fragment"},
		{name: "relative", redirect: "/cb", want: "not an absolute uri"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewSession(Config{ClientID: "c", TokenURL: "https://as.example/token", RedirectURL: tt.redirect})
			if tt.want == "" {
				if err != nil {
					t.Fatalf("NewSession(RedirectURL %q) = %v, want no error", tt.redirect, err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidConfig) || errors.Is(err, ErrInsecureTransport) != tt.insecure || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewSession(RedirectURL %q) = %v, want ErrInvalidConfig reporting %q (insecure transport %v)", tt.redirect, err, tt.want, tt.insecure)
			}
		})
	}
	if _, err := NewSession(Config{ClientID: "c", RedirectURL: "http://app.example/cb", InsecureAllowHTTP: true}); err != nil {
		t.Errorf("NewSession(http redirect, InsecureAllowHTTP) = %v", err)
	}
}
