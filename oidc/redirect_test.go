package oidc

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/oauthkit/oauthkit"
)

// tlsHost is an https host that counts the requests reaching it.
type tlsHost struct {
	*httptest.Server
	mux  *http.ServeMux
	hits atomic.Int64
	auth atomic.Value // the last Authorization header seen
}

func newTLSHost(t *testing.T) *tlsHost {
	t.Helper()
	h := &tlsHost{mux: http.NewServeMux()}
	h.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.hits.Add(1)
		h.auth.Store(r.Header.Get("Authorization"))
		h.mux.ServeHTTP(w, r)
	}))
	t.Cleanup(h.Close)
	return h
}

func redirectTo(target string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target, http.StatusTemporaryRedirect)
	}
}

func TestDiscover_redirects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		target   func(other *tlsHost) string
		wantErr  bool
		location string
	}{
		{name: "https to https is followed", target: func(o *tlsHost) string { return o.URL + "/meta" }},
		{name: "https to plain http is refused", target: func(*tlsHost) string { return "http://metadata.invalid/meta" }, wantErr: true, location: "http://metadata.invalid/meta"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			issuerHost, other := newTLSHost(t), newTLSHost(t)
			issuerHost.mux.HandleFunc("GET "+openIDConfigurationPath, redirectTo(tt.target(other)))
			other.mux.HandleFunc("GET /meta", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprintf(w, `{"issuer":%q}`, issuerHost.URL)
			})
			m, err := Discover(t.Context(), issuerHost.URL, DiscoveryConfig{HTTPClient: issuerHost.Client()})
			if !tt.wantErr {
				if err != nil || m.Issuer != issuerHost.URL {
					t.Fatalf("Discover() = %v, %v; want the document behind the redirect", m, err)
				}
				return
			}
			if !errors.Is(err, oauthkit.ErrRedirect) {
				t.Fatalf("Discover() = %v, want ErrRedirect", err)
			}
			if re, ok := errors.AsType[*oauthkit.ResponseError](err); !ok || re.Location != tt.location {
				t.Errorf("Discover() = %#v, want a ResponseError with Location %q", err, tt.location)
			}
		})
	}
}

func TestProvider_UserInfo_redirects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		target  func(self, other *tlsHost) string
		wantErr bool
	}{
		{name: "same origin is followed", target: func(s, _ *tlsHost) string { return s.URL + "/userinfo2" }},
		{name: "another origin is refused", target: func(_, o *tlsHost) string { return o.URL + "/userinfo2" }, wantErr: true},
		{name: "plain http is refused", target: func(*tlsHost, *tlsHost) string { return "http://userinfo.invalid/" }, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			self, other := newTLSHost(t), newTLSHost(t)
			self.mux.HandleFunc("GET /userinfo", redirectTo(tt.target(self, other)))
			serve := func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				fmt.Fprint(w, `{"sub":"u1"}`)
			}
			self.mux.HandleFunc("GET /userinfo2", serve)
			other.mux.HandleFunc("GET /userinfo2", serve)
			p, err := NewProviderFromMetadata(&Metadata{Issuer: self.URL, UserInfoEndpoint: self.URL + "/userinfo"}, ProviderConfig{HTTPClient: self.Client()})
			if err != nil {
				t.Fatal(err)
			}
			ui, err := p.UserInfo(t.Context(), &oauthkit.Token{AccessToken: "at-secret"}, "u1")
			if !tt.wantErr {
				if err != nil || ui.Subject != "u1" || self.auth.Load() != "Bearer at-secret" {
					t.Fatalf("UserInfo() = %v, %v; want u1 with the token on the same origin", ui, err)
				}
				return
			}
			if !errors.Is(err, oauthkit.ErrRedirect) {
				t.Fatalf("UserInfo() = %v, want ErrRedirect", err)
			}
			if n := other.hits.Load(); n != 0 {
				t.Errorf("the other origin received %d requests (Authorization %q)", n, other.auth.Load())
			}
		})
	}
}
