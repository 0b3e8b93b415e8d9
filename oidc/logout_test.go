package oidc

import (
	"errors"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/oauthkit/oauthkit"
)

func TestEndSessionURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		endpoint string
		req      LogoutRequest
		want     url.Values // the query, when no error
		wantErr  error
	}{
		{
			name:     "every parameter",
			endpoint: "https://op.example/logout",
			req: LogoutRequest{
				IDTokenHint: "eyJ.x.y", LogoutHint: "alice", ClientID: "app",
				PostLogoutRedirectURI: "https://app.example/bye", State: "s1", UILocales: []string{"fr-CA", "en"},
			},
			want: url.Values{
				"id_token_hint": {"eyJ.x.y"}, "logout_hint": {"alice"}, "client_id": {"app"},
				"post_logout_redirect_uri": {"https://app.example/bye"}, "state": {"s1"}, "ui_locales": {"fr-CA en"},
			},
		},
		{
			name:     "nothing",
			endpoint: "https://op.example/logout",
			want:     url.Values{},
		},
		{
			name:     "endpoint query kept",
			endpoint: "https://op.example/logout?tenant=t1",
			req:      LogoutRequest{IDTokenHint: "h"},
			want:     url.Values{"tenant": {"t1"}, "id_token_hint": {"h"}},
		},
		{
			name:     "loopback http",
			endpoint: "http://127.0.0.1:8080/logout",
			req:      LogoutRequest{ClientID: "app", PostLogoutRedirectURI: "http://localhost/bye"},
			want:     url.Values{"client_id": {"app"}, "post_logout_redirect_uri": {"http://localhost/bye"}},
		},
		{name: "no endpoint", wantErr: oauthkit.ErrInvalidConfig},
		{name: "plain http", endpoint: "http://op.example/logout", wantErr: oauthkit.ErrInvalidConfig},
		{name: "relative endpoint", endpoint: "/logout", wantErr: oauthkit.ErrInvalidConfig},
		{name: "fragment", endpoint: "https://op.example/logout#x", wantErr: oauthkit.ErrInvalidConfig},
		{
			name: "redirect without hint or client", endpoint: "https://op.example/logout",
			req: LogoutRequest{PostLogoutRedirectURI: "https://app.example/bye"}, wantErr: oauthkit.ErrInvalidConfig,
		},
		{
			name: "relative redirect", endpoint: "https://op.example/logout",
			req: LogoutRequest{ClientID: "app", PostLogoutRedirectURI: "/bye"}, wantErr: oauthkit.ErrInvalidConfig,
		},
		{
			name: "javascript redirect", endpoint: "https://op.example/logout",
			req: LogoutRequest{ClientID: "app", PostLogoutRedirectURI: "javascript:alert(1)"}, wantErr: oauthkit.ErrInvalidConfig,
		},
		{
			name: "state without redirect", endpoint: "https://op.example/logout",
			req: LogoutRequest{IDTokenHint: "h", State: "s"}, wantErr: oauthkit.ErrInvalidConfig,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := EndSessionURL(tc.endpoint, tc.req)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("EndSessionURL() = %q, %v; want error %v", got, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("EndSessionURL() error = %v", err)
			}
			u, err := url.Parse(got)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, u.Query()); diff != "" {
				t.Errorf("EndSessionURL() query (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProvider_EndSessionURL(t *testing.T) {
	t.Parallel()
	p, err := NewProviderFromMetadata(&Metadata{Issuer: "https://op.example", EndSessionEndpoint: "https://op.example/end"}, ProviderConfig{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.EndSessionURL(LogoutRequest{IDTokenHint: "h"})
	if want := "https://op.example/end?id_token_hint=h"; err != nil || got != want {
		t.Errorf("EndSessionURL() = %q, %v; want %q", got, err, want)
	}

	none, err := NewProviderFromMetadata(&Metadata{Issuer: "https://op.example"}, ProviderConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := none.EndSessionURL(LogoutRequest{}); !errors.Is(err, ErrInvalidMetadata) {
		t.Errorf("EndSessionURL() without endpoint = %v, want %v", err, ErrInvalidMetadata)
	}

	insecure, err := NewProviderFromMetadata(&Metadata{Issuer: "http://op.internal", EndSessionEndpoint: "http://op.internal/end"},
		ProviderConfig{InsecureAllowHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := insecure.EndSessionURL(LogoutRequest{}); err != nil {
		t.Errorf("EndSessionURL() with InsecureAllowHTTP = %v", err)
	}
}
