package bench

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthkit/oauthkit"
)

// The storm: this many callers at once, against a token endpoint this
// slow.
const (
	stormCallers = 1000
	stormDelay   = 20 * time.Millisecond
)

// Refresh windows. oauthkit renews a token Leeway before expiry;
// x/oauth2's ReuseTokenSource treats a token as expired 10 s before its
// expiry (its default expiryDelta).
const (
	oauthkitLeeway = 60 * time.Second
	xoauth2Delta   = 10 * time.Second
)

// stormCase is one token state at the start of a round: the token's
// expiry relative to now, for each library.
type stormCase struct {
	name           string
	oauthkitExpiry time.Duration
	xoauth2Expiry  time.Duration
}

var stormCases = []stormCase{
	// The token expired a minute ago: every caller needs the new one.
	{"expired", -time.Minute, -time.Minute},
	// The token is inside the refresh window but still valid: a caller
	// may go on with it while the renewal runs.
	{"due", oauthkitLeeway / 2, xoauth2Delta / 2},
}

// roundTripperFactory returns a fresh transport for each round, holding a
// token that expires after d.
type roundTripperFactory func(d time.Duration) http.RoundTripper

// stormLibrary builds a factory against a token server.
type stormLibrary struct {
	name   string
	expiry func(stormCase) time.Duration
	new    func(tb testing.TB, ts *tokenServer) roundTripperFactory
}

var stormLibraries = []stormLibrary{
	{"oauthkit", func(c stormCase) time.Duration { return c.oauthkitExpiry }, newOauthkitStorm},
	{"xoauth2", func(c stormCase) time.Duration { return c.xoauth2Expiry }, newXoauth2Storm},
}

func newOauthkitStorm(tb testing.TB, ts *tokenServer) roundTripperFactory {
	tb.Helper()
	s, err := oauthkit.NewSession(oauthkit.Config{
		ClientID: clientID, ClientSecret: clientSecret,
		TokenURL: ts.tokenURL(), HTTPClient: ts.Client(),
		Leeway: oauthkitLeeway,
	})
	if err != nil {
		tb.Fatalf("NewSession: %v", err)
	}
	rt := &oauthkit.Transport{Session: s, Base: newCannedTransport()}
	return func(d time.Duration) http.RoundTripper {
		s.SetToken(&oauthkit.Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "r1", ExpiresAt: time.Now().Add(d)})
		return rt
	}
}

func newXoauth2Storm(_ testing.TB, ts *tokenServer) roundTripperFactory {
	cfg := &oauth2.Config{
		ClientID: clientID, ClientSecret: clientSecret,
		Endpoint: oauth2.Endpoint{TokenURL: ts.tokenURL(), AuthStyle: oauth2.AuthStyleInHeader},
	}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, ts.Client())
	base := newCannedTransport()
	return func(d time.Duration) http.RoundTripper {
		// Config.TokenSource is ReuseTokenSource over a refresher, with
		// the default expiryDelta.
		tok := &oauth2.Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "r1", Expiry: time.Now().Add(d)}
		return &oauth2.Transport{Source: cfg.TokenSource(ctx, tok), Base: base}
	}
}

// round is what one storm measured: the time until the last caller
// returned, and every caller's latency, sorted.
type round struct {
	wall  time.Duration
	waits []time.Duration
}

// storm releases n goroutines at once, each sending one request through
// rt, and times them.
func storm(tb testing.TB, rt http.RoundTripper, req *http.Request, n int) round {
	tb.Helper()
	r, err := runStorm(rt, req, n, nil)
	if err != nil {
		tb.Fatalf("RoundTrip: %v", err)
	}
	return r
}

// stormProgress counts, during a storm, the callers that have entered
// the transport and those that have returned from it.
type stormProgress struct {
	entered, returned atomic.Int64
}

// runStorm is storm, returning the first caller's error, and counting
// the callers' progress in p when p is not nil.
func runStorm(rt http.RoundTripper, req *http.Request, n int, p *stormProgress) (round, error) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	waits := make([]time.Duration, n)
	errs := make(chan error, n)
	for i := range n {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			if p != nil {
				p.entered.Add(1)
				defer p.returned.Add(1)
			}
			t0 := time.Now()
			_, err := rt.RoundTrip(req)
			waits[i] = time.Since(t0)
			if err != nil {
				errs <- err
			}
		}()
	}
	ready.Wait()
	t0 := time.Now()
	close(start)
	done.Wait()
	r := round{wall: time.Since(t0), waits: waits}
	close(errs)
	slices.Sort(waits)
	return r, <-errs
}

// max is the longest wait of any caller.
func (r round) longest() time.Duration { return r.waits[len(r.waits)-1] }

// othersMax is the longest wait of any caller but the slowest one: when
// one caller renews the token, the longest wait of those that did not.
func (r round) othersMax() time.Duration { return r.waits[len(r.waits)-2] }

// median is the median wait.
func (r round) median() time.Duration { return r.waits[len(r.waits)/2] }

// waiters counts the callers that waited at least d.
func (r round) waiters(d time.Duration) int {
	i, _ := slices.BinarySearch(r.waits, d)
	return len(r.waits) - i
}

// BenchmarkRefreshStorm runs, per op, one round of 1000 concurrent
// callers while the token needs renewing and the token endpoint takes
// 20 ms. Besides ns/op it reports, averaged over rounds, the token
// requests made, the round's wall time, the longest wait of a caller, the
// longest wait of any other caller, the median wait, and the callers that
// waited at least half the endpoint's delay (a count that CPU starvation
// on a loaded machine barely moves, unlike the longest waits).
func BenchmarkRefreshStorm(b *testing.B) {
	for _, sc := range stormCases {
		for _, lib := range stormLibraries {
			b.Run(sc.name+"/"+lib.name, func(b *testing.B) {
				ts := newTokenServer(b, stormDelay)
				newRT, req := lib.new(b, ts), newAPIRequest(b)
				var wall, maxWait, othersMax, median time.Duration
				var waiters int
				for b.Loop() {
					r := storm(b, newRT(lib.expiry(sc)), req, stormCallers)
					wall += r.wall
					maxWait += r.longest()
					othersMax += r.othersMax()
					median += r.median()
					waiters += r.waiters(stormDelay / 2)
				}
				n := float64(b.N)
				ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / n }
				b.ReportMetric(float64(ts.requests.Load())/n, "refreshes/op")
				b.ReportMetric(ms(wall), "wall-ms/op")
				b.ReportMetric(ms(maxWait), "max-wait-ms/op")
				b.ReportMetric(ms(othersMax), "others-max-wait-ms/op")
				b.ReportMetric(ms(median), "median-wait-ms/op")
				b.ReportMetric(float64(waiters)/n, "waiters/op")
			})
		}
	}
}

// TestRefreshStorm checks, in one round per case, the properties the
// benchmark measures, without timing anything: the token endpoint holds
// the renewal until the check is done. In the due case every oauthkit
// caller but the renewing one returns while the renewal is held; in the
// others, no caller does. Then every request succeeds, after one token
// request.
func TestRefreshStorm(t *testing.T) {
	t.Parallel()
	for _, sc := range stormCases {
		for _, lib := range stormLibraries {
			t.Run(sc.name+"/"+lib.name, func(t *testing.T) {
				t.Parallel()
				g := newGatedTokenServer(t)
				rt, req := lib.new(t, g)(lib.expiry(sc)), newAPIRequest(t)
				var p stormProgress
				errs := make(chan error, 1)
				go func() {
					_, err := runStorm(rt, req, stormCallers, &p)
					errs <- err
				}()
				waitFor(t, "the token request", g.hasArrived, nil)
				waitFor(t, "every caller in the transport", func() bool { return p.entered.Load() == stormCallers }, nil)
				want := int64(0) // everyone waits for the renewal
				if lib.name == "oauthkit" && sc.name == "due" {
					// All but the renewing caller go on with the valid token.
					want = stormCallers - 1
					waitFor(t, "all callers but the renewing one returned", func() bool { return p.returned.Load() >= want }, nil)
				}
				if got := p.returned.Load(); got != want {
					t.Errorf("callers returned while the renewal was held: %d; want %d", got, want)
				}
				g.release()
				if err := <-errs; err != nil {
					t.Errorf("RoundTrip: %v", err)
				}
				if got := g.requests.Load(); got != 1 {
					t.Errorf("token requests = %d; want 1", got)
				}
			})
		}
	}
}
