package oauthkit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSession_DeviceAuthorization(t *testing.T) {
	t.Parallel()
	clk := newClock()
	tests := []struct {
		name     string
		opts     []TokenOption
		body     string
		wantForm url.Values
		want     *DeviceAuthorization
	}{
		{"rfc 8628 example", nil,
			`{"device_code":"GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS","user_code":"WDJB-MJHT",
			"verification_uri":"https://example.com/device","verification_uri_complete":"https://example.com/device?user_code=WDJB-MJHT",
			"expires_in":1800,"interval":5}`,
			url.Values{"scope": {"read write"}},
			&DeviceAuthorization{DeviceCode: "GmRhmhcxhwAzkoEqiMEg_DnyEysNkuNhszIySk9eS", UserCode: "WDJB-MJHT",
				VerificationURI: "https://example.com/device", VerificationURIComplete: "https://example.com/device?user_code=WDJB-MJHT",
				ExpiresIn: 1800, Interval: 5, ExpiresAt: clk.Now().Add(1800 * time.Second)}},
		{"google spelling", []TokenOption{WithScopes("email"), WithParam("audience", "a")},
			`{"device_code":"dc","user_code":"UC","verification_url":"https://www.google.com/device","expires_in":"1800","interval":"5","extra":true}`,
			url.Values{"scope": {"email"}, "audience": {"a"}},
			&DeviceAuthorization{DeviceCode: "dc", UserCode: "UC", VerificationURI: "https://www.google.com/device",
				ExpiresIn: 1800, Interval: 5, ExpiresAt: clk.Now().Add(1800 * time.Second), Extra: map[string]any{"extra": true}}},
		{"no expiry no interval", []TokenOption{WithScopes()},
			`{"device_code":"dc","user_code":"UC","verification_uri":"https://as.example/d"}`,
			url.Values{},
			&DeviceAuthorization{DeviceCode: "dc", UserCode: "UC", VerificationURI: "https://as.example/d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(tt.body))
			})
			s := mustSession(t, Config{ClientSecret: "secret", DeviceAuthURL: srv.URL, Scopes: []string{"read", "write"}, Now: clk.Now})
			got, err := s.DeviceAuthorization(t.Context(), tt.opts...)
			if err != nil {
				t.Fatalf("DeviceAuthorization: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DeviceAuthorization (-want +got):\n%s", diff)
			}
			req := srv.last(t)
			if diff := cmp.Diff(tt.wantForm, req.Form); diff != "" {
				t.Errorf("form (-want +got):\n%s", diff)
			}
			if u, p, ok := basicAuthOf(req.Header); !ok || u != "client" || p != "secret" {
				t.Errorf("basic auth = %q, %q, %t; want client, secret", u, p, ok)
			}
		})
	}
}

func TestSession_DeviceAuthorization_publicClient(t *testing.T) {
	t.Parallel()
	srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"device_code": "dc", "user_code": "u", "verification_uri": "https://x.example"})
	})
	s := mustSession(t, Config{AuthMethod: AuthNone, DeviceAuthURL: srv.URL})
	if _, err := s.DeviceAuthorization(t.Context()); err != nil {
		t.Fatalf("DeviceAuthorization: %v", err)
	}
	if got := srv.last(t).Form.Get("client_id"); got != "client" {
		t.Errorf("client_id = %q; want client", got)
	}
}

func TestSession_DeviceAuthorization_errors(t *testing.T) {
	t.Parallel()
	shape := func(name, body string) endpointErrorCase {
		return endpointErrorCase{name: name, status: 200, ct: "application/json", body: body,
			wantErr: ErrInvalidDeviceAuthorization, wantResp: true}
	}
	cases := append([]endpointErrorCase{
		shape("no device code", `{"user_code":"u","verification_uri":"https://x.example"}`),
		shape("no user code", `{"device_code":"d","verification_uri":"https://x.example"}`),
		shape("no verification uri", `{"device_code":"d","user_code":"u"}`),
		shape("device code number", `{"device_code":1,"user_code":"u","verification_uri":"https://x.example"}`),
		shape("expires_in junk", `{"device_code":"d","user_code":"u","verification_uri":"https://x.example","expires_in":"soon"}`),
		shape("negative interval", `{"device_code":"d","user_code":"u","verification_uri":"https://x.example","interval":-5}`),
	}, commonErrorCases...)
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request) { tt.serve(w) })
			s := mustSession(t, Config{DeviceAuthURL: srv.URL})
			got, err := s.DeviceAuthorization(t.Context())
			if got != nil {
				t.Errorf("DeviceAuthorization = %v; want nil with an error", got)
			}
			tt.check(t, endpointDevice, err)
		})
	}
	s := mustSession(t, Config{})
	if _, err := s.DeviceAuthorization(t.Context()); !errors.Is(err, ErrNoEndpoint) {
		t.Errorf("DeviceAuthorization without endpoint = %v; want ErrNoEndpoint", err)
	}
}

func TestDeviceAuthorization_String_redactsSecrets(t *testing.T) {
	t.Parallel()
	d := DeviceAuthorization{DeviceCode: "secret-device-code", UserCode: "WDJB-MJHT", VerificationURI: "https://x.example"}
	var buf strings.Builder
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "da", d)
	for name, s := range map[string]string{
		"String": d.String(), "GoString": (&d).GoString(), "%v": fmt.Sprintf("%v", d),
		"%+v": fmt.Sprintf("%+v", &d), "%#v": fmt.Sprintf("%#v", d), "slog": buf.String(),
	} {
		if strings.Contains(s, "secret-device-code") {
			t.Errorf("%s leaks the device code: %s", name, s)
		}
		if !strings.Contains(s, "WDJB-MJHT") {
			t.Errorf("%s lacks the user code: %s", name, s)
		}
	}
}

// pollReply is one scripted token endpoint answer.
type pollReply struct {
	status int
	body   string
	err    error
}

var (
	replyPending  = pollReply{400, `{"error":"authorization_pending"}`, nil}
	replySlowDown = pollReply{400, `{"error":"slow_down"}`, nil}
	replyDenied   = pollReply{400, `{"error":"access_denied"}`, nil}
	replyExpired  = pollReply{400, `{"error":"expired_token"}`, nil}
	replyToken    = pollReply{200, `{"access_token":"at","token_type":"Bearer","expires_in":3600}`, nil}
	replyNetwork  = pollReply{err: errors.New("connection reset")}
)

// pollScript is an in-memory token endpoint: it answers with replies in
// order (the last one repeats) and records when each poll came.
type pollScript struct {
	start   time.Time
	replies []pollReply
	mu      sync.Mutex
	at      []time.Duration
	forms   []url.Values
}

func (p *pollScript) RoundTrip(r *http.Request) (*http.Response, error) {
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	form, _ := url.ParseQuery(string(b))
	p.mu.Lock()
	n := len(p.at)
	p.at = append(p.at, time.Since(p.start))
	p.forms = append(p.forms, form)
	p.mu.Unlock()
	rep := p.replies[min(n, len(p.replies)-1)]
	if rep.err != nil {
		return nil, rep.err
	}
	return &http.Response{StatusCode: rep.status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(rep.body)), Request: r}, nil
}

type pollCase struct {
	name      string
	interval  int64
	expiresIn time.Duration // zero: no expiry
	timeout   time.Duration // zero: none
	replies   []pollReply
	wantAt    []time.Duration // poll times since start
	wantErr   error
	wantCode  string
	wantToken bool
}

func (c pollCase) run(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		script := &pollScript{start: time.Now(), replies: c.replies}
		s := mustSession(t, Config{TokenURL: "https://as.example/token", HTTPClient: &http.Client{Transport: script}})
		da := &DeviceAuthorization{DeviceCode: "dc", UserCode: "u", VerificationURI: "https://as.example/d", Interval: c.interval}
		if c.expiresIn > 0 {
			da.ExpiresAt = time.Now().Add(c.expiresIn)
		}
		ctx := t.Context()
		if c.timeout > 0 {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, c.timeout)
			defer cancel()
		}
		tok, err := s.PollDeviceToken(ctx, da)
		if diff := cmp.Diff(c.wantAt, script.at); diff != "" {
			t.Errorf("poll times (-want +got):\n%s", diff)
		}
		for i, f := range script.forms {
			if f.Get("grant_type") != GrantTypeDeviceCode || f.Get("device_code") != "dc" {
				t.Errorf("poll %d form = %v; want the device code grant", i, f)
			}
		}
		c.check(t, s, tok, err)
	})
}

func (c pollCase) check(t *testing.T, s *Session, tok *Token, err error) {
	t.Helper()
	if c.wantToken {
		if err != nil || tok == nil || tok.AccessToken != "at" {
			t.Fatalf("PollDeviceToken = %v, %v; want the token", tok, err)
		}
		if held := s.Token(); held == nil || held.AccessToken != "at" {
			t.Errorf("session token = %v; want the polled token", held)
		}
		return
	}
	if err == nil || tok != nil {
		t.Fatalf("PollDeviceToken = %v, %v; want an error", tok, err)
	}
	if c.wantErr != nil && !errors.Is(err, c.wantErr) {
		t.Errorf("err = %v; want it to match %v", err, c.wantErr)
	}
	if e, ok := errors.AsType[*Error](err); c.wantCode != "" && (!ok || e.Code != c.wantCode) {
		t.Errorf("err = %v; want *Error %q", err, c.wantCode)
	}
	if !strings.HasPrefix(err.Error(), "oauthkit: ") || strings.Count(err.Error(), "oauthkit: ") != 1 {
		t.Errorf("err = %q; want one oauthkit prefix", err)
	}
}

func secs(ns ...int) []time.Duration {
	out := make([]time.Duration, len(ns))
	for i, n := range ns {
		out[i] = time.Duration(n) * time.Second
	}
	return out
}

func TestSession_PollDeviceToken(t *testing.T) {
	t.Parallel()
	tests := []pollCase{
		{name: "pending then token", replies: []pollReply{replyPending, replyPending, replyToken},
			wantAt: secs(5, 10, 15), wantToken: true},
		{name: "server interval", interval: 2, replies: []pollReply{replyPending, replyToken},
			wantAt: secs(2, 4), wantToken: true},
		{name: "slow down", interval: 5, replies: []pollReply{replySlowDown, replyPending, replySlowDown, replyToken},
			wantAt: secs(5, 15, 25, 40), wantToken: true},
		{name: "denied", replies: []pollReply{replyPending, replyDenied},
			wantAt: secs(5, 10), wantErr: ErrDeviceAccessDenied, wantCode: ErrorCodeAccessDenied},
		{name: "expired token", replies: []pollReply{replyExpired},
			wantAt: secs(5), wantErr: ErrDeviceCodeExpired, wantCode: ErrorCodeExpiredToken},
		{name: "past expires_at", expiresIn: 12 * time.Second, replies: []pollReply{replyPending},
			wantAt: secs(5, 10), wantErr: ErrDeviceCodeExpired},
		{name: "other error", replies: []pollReply{{401, `{"error":"invalid_client"}`, nil}},
			wantAt: secs(5), wantCode: ErrorCodeInvalidClient},
		{name: "network errors back off", interval: 5, replies: []pollReply{replyNetwork, replyNetwork, replyToken},
			wantAt: secs(5, 15, 35), wantToken: true},
		{name: "network errors give up", interval: 1, replies: []pollReply{replyNetwork},
			wantAt: secs(1, 3, 7, 15)},
		{name: "context deadline", timeout: 12 * time.Second, replies: []pollReply{replyPending},
			wantAt: secs(5, 10), wantErr: context.DeadlineExceeded},
		{name: "html answer", replies: []pollReply{{502, `<html>bad gateway</html>`, nil}}, wantAt: secs(5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.run(t)
		})
	}
}

func TestSession_PollDeviceToken_noDeviceCode(t *testing.T) {
	t.Parallel()
	s := mustSession(t, Config{TokenURL: "https://as.example/token"})
	for _, da := range []*DeviceAuthorization{nil, {}} {
		if _, err := s.PollDeviceToken(t.Context(), da); !errors.Is(err, ErrInvalidDeviceAuthorization) {
			t.Errorf("PollDeviceToken(%v) = %v; want ErrInvalidDeviceAuthorization", da, err)
		}
	}
}

func TestSession_PollDeviceToken_canceled(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		script := &pollScript{start: time.Now(), replies: []pollReply{replyPending}}
		s := mustSession(t, Config{TokenURL: "https://as.example/token", HTTPClient: &http.Client{Transport: script}})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error)
		go func() {
			_, err := s.PollDeviceToken(ctx, &DeviceAuthorization{DeviceCode: "dc"})
			done <- err
		}()
		time.Sleep(7 * time.Second)
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v; want context.Canceled", err)
		}
		if len(script.at) != 1 {
			t.Errorf("%d polls; want 1", len(script.at))
		}
	})
}
