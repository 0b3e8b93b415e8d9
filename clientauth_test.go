package oauthkit

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestClientAuth_methods(t *testing.T) {
	t.Parallel()
	uriAuth := ClientAuthFunc(func(_ context.Context, r *ClientAuthRequest) error {
		q := r.URL.Query()
		q.Set("client_id", r.ClientID)
		q.Set("client_secret", r.ClientSecret)
		for k, v := range r.Form {
			q[k] = v
		}
		r.URL.RawQuery = q.Encode()
		r.Form = url.Values{}
		return nil
	})
	const id, secret = "my client:id", "s3cr%t/+="
	tests := []struct {
		name   string
		cfg    Config
		opts   []TokenOption
		verify func(t *testing.T, r recorded)
	}{
		{name: "basic default", verify: func(t *testing.T, r recorded) {
			want := "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
			if got := r.Header.Get("Authorization"); got != want {
				t.Errorf("Authorization = %q, want %q (RFC 6749 2.3.1 form-encodes before base64)", got, want)
			}
			if r.Form.Has("client_secret") || r.Form.Has("client_id") {
				t.Errorf("basic also sent credentials in the body: %v", r.Form)
			}
		}},
		{name: "post", cfg: Config{AuthMethod: ClientSecretPost}, verify: func(t *testing.T, r recorded) {
			if r.Form.Get("client_id") != id || r.Form.Get("client_secret") != secret || r.Header.Get("Authorization") != "" {
				t.Errorf("post sent form %v header %q", r.Form, r.Header.Get("Authorization"))
			}
		}},
		{name: "none", cfg: Config{AuthMethod: AuthNone}, verify: func(t *testing.T, r recorded) {
			if r.Form.Get("client_id") != id || r.Form.Has("client_secret") || r.Header.Get("Authorization") != "" {
				t.Errorf("none sent form %v header %q", r.Form, r.Header.Get("Authorization"))
			}
		}},
		{name: "registered by name", cfg: Config{AuthMethod: "client_secret_uri", AuthMethods: map[string]ClientAuth{"client_secret_uri": uriAuth}}, verify: checkURIAuth(id, secret)},
		{name: "given directly", cfg: Config{ClientAuth: uriAuth}, verify: checkURIAuth(id, secret)},
		{name: "per call override", opts: []TokenOption{WithClientAuth(uriAuth)}, verify: checkURIAuth(id, secret)},
		{name: "per call by name", opts: []TokenOption{WithAuthMethod(ClientSecretPost)}, verify: func(t *testing.T, r recorded) {
			if r.Form.Get("client_secret") != secret {
				t.Errorf("override by name not applied: %v", r.Form)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, tokenJSON("a", "", 0))
			cfg := tt.cfg
			cfg.ClientID, cfg.ClientSecret, cfg.TokenURL = id, secret, srv.URL
			s := mustSession(t, cfg)
			if _, err := s.FetchToken(t.Context(), Password("u", "p"), tt.opts...); err != nil {
				t.Fatal(err)
			}
			tt.verify(t, srv.last(t))
		})
	}
}

func checkURIAuth(id, secret string) func(*testing.T, recorded) {
	return func(t *testing.T, r recorded) {
		q := r.URL.Query()
		if q.Get("client_id") != id || q.Get("client_secret") != secret || q.Get("grant_type") != GrantTypePassword {
			t.Errorf("query = %v, want credentials and grant in the URL", q)
		}
		if len(r.Form) != 0 {
			t.Errorf("body = %v, want empty", r.Form)
		}
	}
}

func TestClientAuth_errorAborts(t *testing.T) {
	t.Parallel()
	srv := newFake(t, tokenJSON("a", "", 0))
	boom := errors.New("boom")
	s := mustSession(t, Config{TokenURL: srv.URL, ClientAuth: ClientAuthFunc(func(context.Context, *ClientAuthRequest) error { return boom })})
	if _, err := s.FetchToken(t.Context(), nil); !errors.Is(err, boom) {
		t.Errorf("err = %v, want boom", err)
	}
	if srv.count.Load() != 0 {
		t.Error("request sent despite client auth error")
	}
}

func TestNewSession_invalidConfig(t *testing.T) {
	t.Parallel()
	_, err := NewSession(Config{TokenURL: "ftp://x", AuthURL: "::bad", AuthMethod: "magic", PKCE: "S512", RevocationURL: "http://example.com/revoke"})
	if !errors.Is(err, ErrInvalidConfig) || !errors.Is(err, ErrInsecureTransport) {
		t.Fatalf("err = %v, want ErrInvalidConfig and ErrInsecureTransport", err)
	}
	for _, want := range []string{"empty client id", "token url", "auth url", `unknown auth method "magic"`, "S512", "revocation url"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not report %q", err, want)
		}
	}
	if _, err := NewSession(Config{ClientID: "c", TokenURL: "http://example.com/t", InsecureAllowHTTP: true}); err != nil {
		t.Errorf("InsecureAllowHTTP: %v", err)
	}
	if _, err := NewSession(Config{ClientID: "c", TokenURL: "http://127.0.0.1:9/t", AuthURL: "http://[::1]/a"}); err != nil {
		t.Errorf("loopback http: %v", err)
	}
}

// TestClientAuth_movedURLIsChecked checks that the transport rule applies
// to the URL client authentication leaves, not only to the token URL the
// session checked once.
func TestClientAuth_movedURLIsChecked(t *testing.T) {
	t.Parallel()
	srv := newFake(t, tokenJSON("a", "", 0))
	move := ClientAuthFunc(func(_ context.Context, r *ClientAuthRequest) error {
		r.URL.Host = "auth.example:80" // plain http, not loopback
		return nil
	})
	s := mustSession(t, Config{TokenURL: srv.URL, ClientAuth: move})
	if _, err := s.FetchToken(t.Context(), nil); !errors.Is(err, ErrInsecureTransport) {
		t.Errorf("FetchToken() error = %v, want ErrInsecureTransport", err)
	}
	if srv.count.Load() != 0 {
		t.Error("request sent to an insecure URL")
	}
}

func TestClientAuth_basicHidesCredentials(t *testing.T) {
	t.Parallel()
	s := mustSession(t, Config{ClientID: "id", ClientSecret: "SECRET-CS"})
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if got := fmt.Sprintf(verb, s.auth); strings.Contains(got, "SECRET") || strings.Contains(got, base64.StdEncoding.EncodeToString([]byte("id:SECRET-CS"))) {
			t.Errorf("Sprintf(%q, auth) = %q, shows the secret", verb, got)
		}
	}
}

func TestClientAuthRequest_String(t *testing.T) {
	r := &ClientAuthRequest{ClientID: "id", ClientSecret: "s3cret", Endpoint: "token", Method: "POST"}
	got := r.String()
	want := `oauthkit.ClientAuthRequest{ClientID:"id" ClientSecret:[redacted] Endpoint:"token" Method:"POST"}`
	if got != want {
		t.Errorf("String() = %s; want %s", got, want)
	}
}
