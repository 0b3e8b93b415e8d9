package bench

import (
	"context"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/internal/crossproc"
	"github.com/oauthkit/oauthkit/internal/redisserver"
	"github.com/oauthkit/oauthkit/store/file"
	"github.com/oauthkit/oauthkit/store/memory"
	"github.com/oauthkit/oauthkit/store/redis"
)

// storeCase makes the store of one BenchmarkStoreTransport case; nil
// means no store.
type storeCase struct {
	name string
	new  func(tb testing.TB) oauthkit.TokenStore
}

var storeCases = []storeCase{
	{"none", func(testing.TB) oauthkit.TokenStore { return nil }},
	{"memory", func(testing.TB) oauthkit.TokenStore { return &memory.Store{} }},
	{"file", func(tb testing.TB) oauthkit.TokenStore {
		s, err := file.New(filepath.Join(tb.TempDir(), "token.json"), file.Options{})
		if err != nil {
			tb.Fatal(err)
		}
		return s
	}},
	{"redis", func(tb testing.TB) oauthkit.TokenStore {
		srv := redisserver.Start(tb)
		rdb := goredis.NewClient(&goredis.Options{Addr: srv.Addr})
		tb.Cleanup(func() { rdb.Close() })
		s, err := redis.New(rdb, redis.Options{ClientID: "bench", Key: make([]byte, 32)})
		if err != nil {
			tb.Fatal(err)
		}
		return s
	}},
}

// storedTransport returns a transport over base whose session loaded a
// valid token from st (with no store: was given one).
func storedTransport(tb testing.TB, st oauthkit.TokenStore, base http.RoundTripper) http.RoundTripper {
	tb.Helper()
	tok := &oauthkit.Token{AccessToken: accessToken, TokenType: "Bearer", ExpiresIn: 3600, ExpiresAt: time.Now().Add(time.Hour)}
	s, err := oauthkit.NewSession(oauthkit.Config{
		ClientID: "bench", ClientSecret: "secret", TokenURL: "https://auth.example.com/token", Store: st,
	})
	if err != nil {
		tb.Fatal(err)
	}
	if st == nil {
		s.SetToken(tok)
	} else {
		ctx := context.Background()
		l, err := st.Acquire(ctx)
		if err == nil {
			err = st.Save(ctx, l, nil, tok)
			st.Release(ctx, l)
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
	rt := &oauthkit.Transport{Session: s, Base: base}
	if _, err := rt.RoundTrip(newAPIRequest(tb)); err != nil { // loads the stored token
		tb.Fatal(err)
	}
	return rt
}

// BenchmarkStoreTransport is one request through the authorizing
// transport with a valid token, without a store and with each store: the
// valid-token path must not touch the store.
func BenchmarkStoreTransport(b *testing.B) {
	for _, sc := range storeCases {
		b.Run(sc.name, func(b *testing.B) {
			rt := storedTransport(b, sc.new(b), newCannedTransport())
			req := newAPIRequest(b)
			lat := make([]time.Duration, 0, 1<<20)
			b.ReportAllocs()
			for b.Loop() {
				t0 := time.Now()
				if _, err := rt.RoundTrip(req); err != nil {
					b.Fatal(err)
				}
				if len(lat) < cap(lat) {
					lat = append(lat, time.Since(t0))
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(percentile(lat, 50)), "p50-ns")
			b.ReportMetric(float64(percentile(lat, 99)), "p99-ns")
		})
	}
}

func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[(len(sorted)-1)*p/100]
}

// BenchmarkStoreExpiry is one token expiry seen at once by N worker
// processes sharing a file or Redis store, against oauthtest with
// rotating refresh tokens and reuse detection: every worker asks for a
// token, one refreshes, the others wait for its token.
func BenchmarkStoreExpiry(b *testing.B) {
	for _, kind := range []string{"file", "redis"} {
		for _, n := range []int{2, 8, 32} {
			b.Run(kind+"/N="+strconv.Itoa(n), func(b *testing.B) {
				benchExpiry(b, kind, n)
			})
		}
	}
}

func benchExpiry(b *testing.B, kind string, n int) {
	e := crossproc.NewEnv(b, kind, 10*time.Second)
	e.Seed(b)
	ws := e.Start(b, n, false)
	crossproc.Tokens(b, ws)
	before := e.Grants("refresh_token")
	var rounds, fetchers int
	var refresher, addedMedian, addedMax time.Duration
	for b.Loop() {
		e.Expire(b, ws)
		replies := crossproc.Tokens(b, ws)
		rounds++
		var lead time.Duration
		var waits []time.Duration
		for _, r := range replies {
			switch {
			case r.Err != "":
				b.Fatalf("worker: %s: %s", r.Kind, r.Err)
			case r.Fetched:
				fetchers++
				lead = r.D
			default:
				waits = append(waits, r.D)
			}
		}
		refresher += lead
		for i := range waits {
			waits[i] = max(waits[i]-lead, 0)
		}
		slices.Sort(waits)
		addedMedian += percentile(waits, 50)
		addedMax += percentile(waits, 100)
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) / float64(rounds) }
	b.ReportMetric(float64(e.Grants("refresh_token")-before)/float64(rounds), "refreshes/op")
	b.ReportMetric(float64(fetchers)/float64(rounds), "fetchers/op")
	b.ReportMetric(ms(refresher), "refresher-ms/op")
	b.ReportMetric(ms(addedMedian), "waiter-added-median-ms/op")
	b.ReportMetric(ms(addedMax), "waiter-added-max-ms/op")
}
