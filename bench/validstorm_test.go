package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthkit/oauthkit"
)

// The tight-loop storm: this many callers ask for the token in a loop,
// without any other work, until they get the renewed one; the token
// becomes due validStormDue into the round.
const (
	validStormCallers = 64
	validStormDue     = 5 * time.Millisecond
)

// tokenGetter returns the access token, renewed when due.
type tokenGetter func(ctx context.Context) (string, error)

// validStormLibrary builds, for each round, a getter whose token becomes
// due after due.
type validStormLibrary struct {
	name string
	new  func(tb testing.TB, ts *tokenServer) func(due time.Duration) tokenGetter
}

var validStormLibraries = []validStormLibrary{
	{"oauthkit", func(tb testing.TB, ts *tokenServer) func(time.Duration) tokenGetter {
		s := newRenewingSession(tb, ts)
		get := func(ctx context.Context) (string, error) {
			tok, err := s.ValidToken(ctx)
			if err != nil {
				return "", err
			}
			return tok.AccessToken, nil
		}
		return func(due time.Duration) tokenGetter {
			s.SetToken(&oauthkit.Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "r1", ExpiresAt: time.Now().Add(oauthkitLeeway + due)})
			return get
		}
	}},
	{"xoauth2", func(_ testing.TB, ts *tokenServer) func(time.Duration) tokenGetter {
		cfg := &oauth2.Config{
			ClientID: clientID, ClientSecret: clientSecret,
			Endpoint: oauth2.Endpoint{TokenURL: ts.tokenURL(), AuthStyle: oauth2.AuthStyleInHeader},
		}
		ctx := context.WithValue(context.Background(), oauth2.HTTPClient, ts.Client())
		return func(due time.Duration) tokenGetter {
			src := cfg.TokenSource(ctx, &oauth2.Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "r1", Expiry: time.Now().Add(xoauth2Delta + due)})
			return func(context.Context) (string, error) {
				tok, err := src.Token()
				if err != nil {
					return "", err
				}
				return tok.AccessToken, nil
			}
		}
	}},
}

// validRound is what one tight-loop storm measured: the time until every
// caller had the new token, and the calls made.
type validRound struct {
	wall  time.Duration
	calls int64
}

// validStorm runs one round: validStormCallers goroutines call get until
// each sees the renewed token.
func validStorm(tb testing.TB, get tokenGetter) validRound {
	tb.Helper()
	var calls atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, validStormCallers)
	start := time.Now()
	for range validStormCallers {
		wg.Go(func() {
			n := int64(0)
			defer func() { calls.Add(n) }()
			for {
				n++
				at, err := get(context.Background())
				if err != nil {
					errs <- err
					return
				}
				if at == accessToken {
					return
				}
			}
		})
	}
	wg.Wait()
	r := validRound{wall: time.Since(start), calls: calls.Load()}
	close(errs)
	if err := <-errs; err != nil {
		tb.Fatalf("token: %v", err)
	}
	return r
}

// BenchmarkValidTokenStorm runs, per op, one round of the tight-loop
// storm: 64 callers ask for the token in a loop, 5 ms in the token
// becomes due, the endpoint takes 20 ms to renew it, and each caller
// stops when it has the new token. An artificial load (no caller does
// anything with the token), reported without a target: the round's wall
// time, the calls made, and, from -benchmem, the allocations per round.
func BenchmarkValidTokenStorm(b *testing.B) {
	for _, lib := range validStormLibraries {
		b.Run(lib.name, func(b *testing.B) {
			ts := newTokenServer(b, stormDelay)
			newGet := lib.new(b, ts)
			var wall time.Duration
			var calls int64
			b.ReportAllocs()
			for b.Loop() {
				r := validStorm(b, newGet(validStormDue))
				wall += r.wall
				calls += r.calls
			}
			n := float64(b.N)
			b.ReportMetric(float64(wall)/float64(time.Millisecond)/n, "wall-ms/op")
			b.ReportMetric(float64(calls)/n, "calls/op")
			b.ReportMetric(float64(ts.requests.Load())/n, "refreshes/op")
		})
	}
}

// TestValidTokenStorm checks one round per library: every caller gets
// the new token, after one token request.
func TestValidTokenStorm(t *testing.T) {
	t.Parallel()
	for _, lib := range validStormLibraries {
		t.Run(lib.name, func(t *testing.T) {
			t.Parallel()
			ts := newTokenServer(t, stormDelay)
			validStorm(t, lib.new(t, ts)(validStormDue))
			if n := ts.requests.Load(); n != 1 {
				t.Errorf("token requests = %d; want 1", n)
			}
		})
	}
}
