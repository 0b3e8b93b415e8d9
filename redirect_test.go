package oauthkit

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

// redirectPair is an endpoint host that redirects every request to a
// second host, which records what reaches it.
type redirectPair struct {
	endpoint *httptest.Server
	attacker *fakeServer
}

func newRedirectPair(t *testing.T, status int) *redirectPair {
	t.Helper()
	p := &redirectPair{attacker: newFake(t, tokenJSON("attacker-token", "attacker-refresh", 3600))}
	p.endpoint = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, p.attacker.URL+"/steal", status)
	}))
	t.Cleanup(p.endpoint.Close)
	return p
}

func TestEndpoints_neverFollowRedirects(t *testing.T) {
	t.Parallel()
	calls := []struct {
		name string
		call func(t *testing.T, s *Session) error
	}{
		{"client credentials", func(t *testing.T, s *Session) error {
			_, err := s.FetchToken(t.Context(), ClientCredentials())
			return err
		}},
		{"password", func(t *testing.T, s *Session) error {
			_, err := s.FetchToken(t.Context(), Password("alice", "pw"))
			return err
		}},
		{"code exchange", func(t *testing.T, s *Session) error {
			_, err := s.Exchange(t.Context(), "code-1", WithCodeVerifier(GenerateCodeVerifier()))
			return err
		}},
		{"refresh", func(t *testing.T, s *Session) error {
			_, err := s.Refresh(t.Context())
			return err
		}},
		{"revoke", func(t *testing.T, s *Session) error { return s.Revoke(t.Context(), "") }},
		{"introspect", func(t *testing.T, s *Session) error {
			_, err := s.Introspect(t.Context(), "")
			return err
		}},
		{"device authorization", func(t *testing.T, s *Session) error {
			_, err := s.DeviceAuthorization(t.Context())
			return err
		}},
	}
	for _, status := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		for _, method := range []string{ClientSecretBasic, ClientSecretPost} {
			for _, c := range calls {
				t.Run(c.name+"/"+method+"/"+http.StatusText(status), func(t *testing.T) {
					t.Parallel()
					p := newRedirectPair(t, status)
					u := p.endpoint.URL
					s := mustSession(t, Config{ClientSecret: "s3cret", AuthMethod: method, TokenURL: u,
						RevocationURL: u, IntrospectionURL: u, DeviceAuthURL: u, Retry: RetryPolicy{Disabled: true},
						HTTPClient: p.endpoint.Client()})
					s.SetToken(&Token{AccessToken: "at", TokenType: "Bearer", RefreshToken: "rt"})
					err := c.call(t, s)
					if !errors.Is(err, ErrRedirect) {
						t.Fatalf("err = %v, want ErrRedirect", err)
					}
					re, ok := errors.AsType[*ResponseError](err)
					if !ok || re.Location != p.attacker.URL+"/steal" || re.StatusCode != status {
						t.Errorf("err = %#v, want a *ResponseError with the Location and status", err)
					}
					if n := p.attacker.count.Load(); n != 0 {
						t.Errorf("the redirect target received %d requests: %v", n, p.attacker.last(t))
					}
					if tok := s.Token(); tok == nil || tok.AccessToken != "at" {
						t.Errorf("session token = %v, want the old one kept", tok)
					}
				})
			}
		}
	}
}
