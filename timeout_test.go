package oauthkit

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"testing/synctest"
	"time"
)

// hangingTransport never answers: it waits for the request's context.
type hangingTransport struct{}

func (hangingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	<-r.Context().Done()
	return nil, r.Context().Err()
}

func TestSession_endpointTimeout(t *testing.T) {
	t.Parallel()
	calls := []struct {
		name string
		call func(ctx context.Context, s *Session) error
	}{
		{"FetchToken", func(ctx context.Context, s *Session) error { _, err := s.FetchToken(ctx, nil); return err }},
		{"Exchange", func(ctx context.Context, s *Session) error { _, err := s.Exchange(ctx, "code"); return err }},
		{"Introspect", func(ctx context.Context, s *Session) error { _, err := s.Introspect(ctx, "at"); return err }},
		{"Revoke", func(ctx context.Context, s *Session) error { return s.Revoke(ctx, "at") }},
		{"DeviceAuthorization", func(ctx context.Context, s *Session) error { _, err := s.DeviceAuthorization(ctx); return err }},
	}
	tests := []struct {
		name    string
		timeout time.Duration
		ctx     func(context.Context) (context.Context, context.CancelFunc)
		want    time.Duration
		wantErr error
	}{
		{name: "default", want: 30 * time.Second, wantErr: context.DeadlineExceeded},
		{name: "configured", timeout: 5 * time.Second, want: 5 * time.Second, wantErr: context.DeadlineExceeded},
		{name: "caller's deadline wins", timeout: 5 * time.Second, want: 90 * time.Second, wantErr: context.DeadlineExceeded,
			ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
				return context.WithTimeout(ctx, 90*time.Second)
			}},
		{name: "disabled", timeout: -1, want: 100 * time.Second, wantErr: context.Canceled,
			ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(ctx)
				time.AfterFunc(100*time.Second, cancel)
				return ctx, cancel
			}},
	}
	for _, tt := range tests {
		for _, c := range calls {
			t.Run(tt.name+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				synctest.Test(t, func(t *testing.T) {
					const u = "https://as.example/endpoint"
					s := mustSession(t, Config{ClientSecret: "s", TokenURL: u, RevocationURL: u, IntrospectionURL: u, DeviceAuthURL: u,
						EndpointTimeout: tt.timeout, HTTPClient: &http.Client{Transport: hangingTransport{}}, Retry: RetryPolicy{Disabled: true}})
					ctx, cancel := context.Background(), context.CancelFunc(func() {})
					if tt.ctx != nil {
						ctx, cancel = tt.ctx(ctx)
					}
					defer cancel()
					start := time.Now()
					err := c.call(ctx, s)
					if !errors.Is(err, tt.wantErr) {
						t.Fatalf("err = %v, want %v", err, tt.wantErr)
					}
					if got := time.Since(start); got != tt.want {
						t.Errorf("returned after %v, want %v", got, tt.want)
					}
				})
			})
		}
	}
}
