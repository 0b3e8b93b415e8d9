package bench

import (
	"context"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit"
)

// sessionState is a session in one of the states the parallel benchmarks
// compare.
type sessionState struct {
	name string
	// setup returns a session in the state, and a func that ends the
	// state and checks that it lasted.
	setup func(tb testing.TB) (*oauthkit.Session, func())
}

var sessionStates = []sessionState{
	{"fresh", setupFresh},
	{"renewing", setupRenewing},
}

// newRenewingSession is a session with a refresh token against ts, whose
// renewal window is oauthkitLeeway.
func newRenewingSession(tb testing.TB, ts *tokenServer) *oauthkit.Session {
	tb.Helper()
	s, err := oauthkit.NewSession(oauthkit.Config{
		ClientID: clientID, ClientSecret: clientSecret,
		TokenURL: ts.tokenURL(), HTTPClient: ts.Client(),
		Leeway: oauthkitLeeway,
	})
	if err != nil {
		tb.Fatalf("NewSession: %v", err)
	}
	return s
}

// setupFresh: a token valid for an hour, nothing to renew.
func setupFresh(tb testing.TB) (*oauthkit.Session, func()) {
	tb.Helper()
	g := newGatedTokenServer(tb)
	s := newRenewingSession(tb, g)
	s.SetToken(&oauthkit.Token{AccessToken: accessToken, TokenType: "Bearer", RefreshToken: "r1", ExpiresAt: time.Now().Add(time.Hour)})
	return s, func() {
		if n := g.requests.Load(); n != 0 {
			tb.Errorf("token requests with a fresh token = %d; want 0", n)
		}
	}
}

// setupRenewing: a token inside the leeway (valid for 30 s more) whose
// renewal is in flight, held at the token endpoint until the end.
func setupRenewing(tb testing.TB) (*oauthkit.Session, func()) {
	tb.Helper()
	g := newGatedTokenServer(tb)
	s := newRenewingSession(tb, g)
	s.SetToken(&oauthkit.Token{AccessToken: accessToken, TokenType: "Bearer", RefreshToken: "r1", ExpiresAt: time.Now().Add(oauthkitLeeway / 2)})
	renewed := make(chan error, 1)
	go func() {
		_, err := s.ValidToken(context.Background()) // starts the renewal and waits for it
		renewed <- err
	}()
	<-g.arrived // the renewal is held at the endpoint
	return s, func() {
		if !s.Renewing() {
			tb.Error("the renewal ended during the benchmark")
		}
		g.release()
		if err := <-renewed; err != nil {
			tb.Errorf("renewal: %v", err)
		}
		if n := g.requests.Load(); n != 1 {
			tb.Errorf("token requests = %d; want 1", n)
		}
	}
}

// BenchmarkParallel measures, with every goroutine of b.RunParallel at
// once, what a caller pays for the token: ValidToken, and a request
// through the transport over a canned base. Each runs with a fresh token
// and with a due one whose renewal is in flight (the endpoint holds it):
// the two must cost the same.
func BenchmarkParallel(b *testing.B) {
	for _, st := range sessionStates {
		b.Run("ValidToken/"+st.name, func(b *testing.B) {
			s, end := st.setup(b)
			defer end()
			ctx := context.Background()
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					tok, err := s.ValidToken(ctx)
					if err != nil || tok.AccessToken != accessToken {
						b.Errorf("ValidToken() = %v, %v; want the current token", tok, err)
						return
					}
				}
			})
		})
		b.Run("Transport/"+st.name, func(b *testing.B) {
			s, end := st.setup(b)
			defer end()
			rt := &oauthkit.Transport{Session: s, Base: newCannedTransport()}
			req := newAPIRequest(b)
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := rt.RoundTrip(req); err != nil {
						b.Errorf("RoundTrip: %v", err)
						return
					}
				}
			})
		})
	}
}

// TestSessionStates checks the states BenchmarkParallel compares: the
// current token is served in both, and a renewal stays in flight in the
// renewing one.
func TestSessionStates(t *testing.T) {
	t.Parallel()
	for _, st := range sessionStates {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			s, end := st.setup(t)
			for range 100 {
				if tok, err := s.ValidToken(t.Context()); err != nil || tok.AccessToken != accessToken {
					t.Fatalf("ValidToken() = %v, %v; want the current token", tok, err)
				}
			}
			end()
		})
	}
}
