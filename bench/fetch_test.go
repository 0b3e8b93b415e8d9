package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/oauthkit/oauthkit"
)

// fetcher requests one client-credentials token and returns its access
// token.
type fetcher func(ctx context.Context) (string, error)

// fetchCase builds one fetcher against a token server.
type fetchCase struct {
	name string
	new  func(tb testing.TB, ts *tokenServer) fetcher
}

var fetchCases = []fetchCase{
	{"floor", newFloorFetcher},
	{"oauthkit", newOauthkitFetcher},
	{"xoauth2", newXoauth2Fetcher},
}

func newOauthkitFetcher(tb testing.TB, ts *tokenServer) fetcher {
	tb.Helper()
	s, err := oauthkit.NewSession(oauthkit.Config{
		ClientID: clientID, ClientSecret: clientSecret,
		TokenURL: ts.tokenURL(), HTTPClient: ts.Client(),
	})
	if err != nil {
		tb.Fatalf("NewSession: %v", err)
	}
	return func(ctx context.Context) (string, error) {
		tok, err := s.FetchToken(ctx, oauthkit.ClientCredentials())
		if err != nil {
			return "", err
		}
		return tok.AccessToken, nil
	}
}

func newXoauth2Fetcher(_ testing.TB, ts *tokenServer) fetcher {
	cc := &clientcredentials.Config{
		ClientID: clientID, ClientSecret: clientSecret,
		TokenURL: ts.tokenURL(), AuthStyle: oauth2.AuthStyleInHeader,
	}
	client := ts.Client()
	return func(ctx context.Context) (string, error) {
		tok, err := cc.Token(context.WithValue(ctx, oauth2.HTTPClient, client))
		if err != nil {
			return "", err
		}
		return tok.AccessToken, nil
	}
}

// newFloorFetcher is the least a correct client does: post the form with
// HTTP Basic client authentication, check the status, decode a bounded
// JSON body and require an access token.
func newFloorFetcher(_ testing.TB, ts *tokenServer) fetcher {
	client, tokenURL := ts.Client(), ts.tokenURL()
	form := url.Values{"grant_type": {"client_credentials"}}.Encode()
	return func(ctx context.Context) (string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, tokenURL, strings.NewReader(form))
		if err != nil {
			return "", err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(url.QueryEscape(clientID), url.QueryEscape(clientSecret))
		resp, err := client.Do(req)
		if err != nil {
			return "", err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("token endpoint: status %d", resp.StatusCode)
		}
		var tok struct {
			AccessToken string `json:"access_token"`
			TokenType   string `json:"token_type"`
			ExpiresIn   int64  `json:"expires_in"`
		}
		if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&tok); err != nil {
			return "", err
		}
		if tok.AccessToken == "" {
			return "", fmt.Errorf("token endpoint: no access_token")
		}
		return tok.AccessToken, nil
	}
}

// BenchmarkFetchToken measures one client-credentials token request over
// loopback, for oauthkit, x/oauth2 and the hand-written floor.
func BenchmarkFetchToken(b *testing.B) {
	ts := newTokenServer(b, 0)
	for _, fc := range fetchCases {
		b.Run(fc.name, func(b *testing.B) {
			fetch := fc.new(b, ts)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := fetch(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestFetchers checks that every compared fetcher gets the server's token.
func TestFetchers(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t, 0)
	for _, fc := range fetchCases {
		t.Run(fc.name, func(t *testing.T) {
			got, err := fc.new(t, ts)(t.Context())
			if err != nil || got != accessToken {
				t.Errorf("fetch() = %q, %v; want %q, nil", got, err, accessToken)
			}
		})
	}
}
