package oauthkit

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestTransport_tokenInBodyNeedsAFormBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, method, contentType, body string
		wantErr                         bool
	}{
		{name: "get", method: http.MethodGet, wantErr: true},
		{name: "head", method: http.MethodHead, wantErr: true},
		{name: "get with a form", method: http.MethodGet, contentType: "application/x-www-form-urlencoded", body: "a=b", wantErr: true},
		{name: "json post", method: http.MethodPost, contentType: "application/json", body: `{"a":"b"}`, wantErr: true},
		{name: "post without a body", method: http.MethodPost, wantErr: true},
		{name: "malformed form", method: http.MethodPost, contentType: "application/x-www-form-urlencoded", body: "a=%zz", wantErr: true},
		{name: "form post", method: http.MethodPost, contentType: "application/x-www-form-urlencoded", body: "a=b"},
		{name: "empty form put", method: http.MethodPut, contentType: "application/x-www-form-urlencoded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := newFake(t, func(w http.ResponseWriter, r *http.Request) {})
			// The token is due: a refresh would be the first thing sent.
			as := newFake(t, tokenJSON("new", "rt2", 3600))
			clk := newClock()
			s := mustSession(t, Config{TokenURL: as.URL, TokenPlacement: TokenInBody, Now: clk.Now, HTTPClient: api.Client()})
			s.SetToken(&Token{AccessToken: "tok", TokenType: "Bearer", RefreshToken: "rt", ExpiresAt: clk.Now().Add(-time1)})
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req, _ := http.NewRequestWithContext(t.Context(), tt.method, api.URL, body)
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			resp, err := s.Do(req)
			if !tt.wantErr {
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if got := api.last(t).Form.Get("access_token"); got != "new" {
					t.Errorf("access_token in the body = %q, want new", got)
				}
				return
			}
			if !errors.Is(err, ErrNoFormBody) {
				t.Fatalf("err = %v, want ErrNoFormBody", err)
			}
			if n, m := api.count.Load(), as.count.Load(); n != 0 || m != 0 {
				t.Errorf("requests sent: %d to the resource, %d to the token endpoint; want none", n, m)
			}
		})
	}
}

const time1 = 1e9 // one second, as a time.Duration

func TestNewSession_tokenInQueryIsGone(t *testing.T) {
	t.Parallel()
	if _, err := NewSession(Config{ClientID: "c", TokenPlacement: TokenPlacement(2)}); !errors.Is(err, ErrInvalidConfig) {
		t.Errorf("placement 2 (the former TokenInQuery): err = %v, want ErrInvalidConfig", err)
	}
}

// bodyRecorder is a transport that records, for each request, the body
// sent, the ContentLength and what GetBody returns.
type bodyRecorder struct {
	base     http.RoundTripper
	sent     []string
	lengths  []int64
	getBody  []string
	requests []*http.Request
}

func (b *bodyRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	var sent, again []byte
	if r.Body != nil {
		sent, _ = io.ReadAll(r.Body)
		r.Body.Close()
		r.Body = io.NopCloser(bytes.NewReader(sent))
	}
	if r.GetBody != nil {
		rc, _ := r.GetBody()
		again, _ = io.ReadAll(rc)
	}
	b.sent, b.lengths, b.getBody = append(b.sent, string(sent)), append(b.lengths, r.ContentLength), append(b.getBody, string(again))
	b.requests = append(b.requests, r)
	return b.base.RoundTrip(r)
}

// addParam is a request hook that rewrites a form body, as Hooks
// documents.
func addParam(k, v string) func(*http.Request) error {
	return func(r *http.Request) error {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return err
		}
		form, err := url.ParseQuery(string(b))
		if err != nil {
			return err
		}
		form.Set(k, v)
		r.Body = io.NopCloser(strings.NewReader(form.Encode()))
		return nil
	}
}

func TestHooks_refreshTokenRequest(t *testing.T) {
	t.Parallel()
	srv := newFake(t, tokenJSON("at2", "rt2", 3600))
	rec := &bodyRecorder{base: srv.Client().Transport}
	var ran []string
	s := mustSession(t, Config{ClientSecret: "s", AuthMethod: ClientSecretPost, TokenURL: srv.URL, HTTPClient: &http.Client{Transport: rec},
		Hooks: Hooks{RefreshTokenRequest: []func(*http.Request) error{
			func(r *http.Request) error { ran = append(ran, r.URL.Path); return nil },
			addParam("resource", "https://api.example"),
		}}})
	if _, err := s.FetchToken(t.Context(), ClientCredentials()); err != nil {
		t.Fatal(err)
	}
	if len(ran) != 0 {
		t.Fatalf("RefreshTokenRequest ran on a client-credentials request")
	}
	if _, err := s.Refresh(t.Context(), WithRefreshToken("rt")); err != nil {
		t.Fatal(err)
	}
	if len(ran) != 1 {
		t.Fatalf("RefreshTokenRequest ran %d times on one refresh", len(ran))
	}
	form := srv.last(t).Form
	if form.Get("resource") != "https://api.example" || form.Get("refresh_token") != "rt" || form.Get("client_secret") != "s" {
		t.Errorf("refresh form = %v; want the hook's parameter with the rest", form)
	}
	last := len(rec.sent) - 1
	if rec.getBody[last] != rec.sent[last] || rec.lengths[last] != int64(len(rec.sent[last])) {
		t.Errorf("body %q, ContentLength %d, GetBody %q: want them consistent", rec.sent[last], rec.lengths[last], rec.getBody[last])
	}
}

// TestHooks_protectedRequestBody: a hook that rewrites the body keeps
// GetBody consistent, so a same-origin 307 re-sends the new body.
func TestHooks_protectedRequestBody(t *testing.T) {
	t.Parallel()
	final := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/first" {
			http.Redirect(w, r, "/second", http.StatusTemporaryRedirect)
		}
	})
	s := mustSession(t, Config{TokenPlacement: TokenInBody, HTTPClient: final.Client(), Hooks: Hooks{ProtectedRequest: []func(*http.Request) error{addParam("site", "so")}}})
	s.SetToken(&Token{AccessToken: "tok", TokenType: "Bearer"})
	resp, err := s.PostForm(t.Context(), final.URL+"/first", url.Values{"a": {"b"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got := final.last(t)
	if got.URL.Path != "/second" || got.Form.Get("site") != "so" || got.Form.Get("a") != "b" || got.Form.Get("access_token") != "tok" {
		t.Errorf("after the redirect: %s %v; want the hook's body re-sent", got.URL.Path, got.Form)
	}
}
