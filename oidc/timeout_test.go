package oidc

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/oauthkit/oauthkit"
)

// hangingTransport never answers: it waits for the request's context.
type hangingTransport struct{}

func (hangingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	<-r.Context().Done()
	return nil, r.Context().Err()
}

func TestEndpointTimeout(t *testing.T) {
	t.Parallel()
	hc := &http.Client{Transport: hangingTransport{}}
	tests := []struct {
		name    string
		timeout time.Duration
		want    time.Duration
		call    func(ctx context.Context, timeout time.Duration) error
	}{
		{name: "discover default", want: 30 * time.Second, call: func(ctx context.Context, d time.Duration) error {
			_, err := Discover(ctx, "https://op.example", DiscoveryConfig{HTTPClient: hc, EndpointTimeout: d})
			return err
		}},
		{name: "discover configured", timeout: 2 * time.Second, want: 2 * time.Second, call: func(ctx context.Context, d time.Duration) error {
			_, err := Discover(ctx, "https://op.example", DiscoveryConfig{HTTPClient: hc, EndpointTimeout: d})
			return err
		}},
		{name: "provider discovery", timeout: 3 * time.Second, want: 3 * time.Second, call: func(ctx context.Context, d time.Duration) error {
			_, err := NewProvider(ctx, "https://op.example", ProviderConfig{HTTPClient: hc, EndpointTimeout: d})
			return err
		}},
		{name: "userinfo default", want: 30 * time.Second, call: func(ctx context.Context, d time.Duration) error {
			p, err := NewProviderFromMetadata(&Metadata{Issuer: "https://op.example", UserInfoEndpoint: "https://op.example/userinfo"},
				ProviderConfig{HTTPClient: hc, EndpointTimeout: d})
			if err != nil {
				return err
			}
			_, err = p.UserInfo(ctx, &oauthkit.Token{AccessToken: "at"}, "")
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				err := tt.call(context.Background(), tt.timeout)
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("err = %v, want context.DeadlineExceeded", err)
				}
				if got := time.Since(start); got != tt.want {
					t.Errorf("returned after %v, want %v", got, tt.want)
				}
			})
		})
	}
}
