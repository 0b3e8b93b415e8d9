package crossproc_test

import (
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/oauthkit/oauthkit/internal/crossproc"
	"github.com/oauthkit/oauthkit/oauthtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	crossproc.Cleanup()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			os.Stderr.WriteString("goleak: " + err.Error() + "\n")
			code = 1
		}
	}
	os.Exit(code)
}

// wantOneToken checks that every reply carries the same token, no error,
// and returns the token.
func wantOneToken(t *testing.T, replies []crossproc.Reply) string {
	t.Helper()
	tokens := map[string]int{}
	for _, r := range replies {
		if r.Err != "" {
			t.Errorf("worker: %s: %s", r.Kind, r.Err)
			continue
		}
		tokens[r.Token]++
	}
	if len(tokens) != 1 {
		t.Fatalf("workers got %d different tokens, want 1: %v", len(tokens), tokens)
	}
	for tok := range tokens {
		return tok
	}
	return ""
}

func fetchers(replies []crossproc.Reply) int {
	n := 0
	for _, r := range replies {
		if r.Fetched {
			n++
		}
	}
	return n
}

// TestRefresh: N processes, a rotating refresh token with reuse
// detection, two expiries: one refresh per expiry, no invalid_grant.
func TestRefresh(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"file", "redis"} {
		for _, n := range []int{2, 8, 32} {
			t.Run(kind+"/N="+strconv.Itoa(n), func(t *testing.T) {
				e := crossproc.NewEnv(t, kind, 10*time.Second)
				e.Seed(t)
				ws := e.Start(t, n, false)
				wantOneToken(t, crossproc.Tokens(t, ws)) // loaded, not refreshed
				for expiry := 1; expiry <= 2; expiry++ {
					e.Expire(t, ws)
					replies := crossproc.Tokens(t, ws)
					wantOneToken(t, replies)
					if got := e.Grants("refresh_token"); got != expiry {
						t.Fatalf("after expiry %d: %d refreshes, want %d", expiry, got, expiry)
					}
					if f := fetchers(replies); f != 1 {
						t.Errorf("expiry %d: %d processes sent a token request, want 1", expiry, f)
					}
				}
			})
		}
	}
}

// TestClientCredentials: N processes fetch with the client credentials
// grant: one fetch for the first token and one per expiry.
func TestClientCredentials(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"file", "redis"} {
		for _, n := range []int{2, 8, 32} {
			t.Run(kind+"/N="+strconv.Itoa(n), func(t *testing.T) {
				e := crossproc.NewEnv(t, kind, 10*time.Second)
				ws := e.Start(t, n, true)
				for round := 1; round <= 3; round++ {
					wantOneToken(t, crossproc.Tokens(t, ws))
					if got := e.Grants("client_credentials"); got != round {
						t.Fatalf("round %d: %d fetches, want %d", round, got, round)
					}
					e.Expire(t, ws)
				}
			})
		}
	}
}

// TestKilledRefresher: the process that refreshes is killed (SIGKILL)
// while the token endpoint holds its request; another takes over when
// its lease ends, and nothing is lost.
func TestKilledRefresher(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"file", "redis"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := crossproc.NewEnv(t, kind, time.Second)
			e.Seed(t)
			ws := e.Start(t, 4, false)
			wantOneToken(t, crossproc.Tokens(t, ws))
			e.Srv.InjectFault(oauthtest.Fault{Endpoint: oauthtest.TokenEndpoint, Delay: time.Minute, Times: 1})
			e.Expire(t, ws)
			crossproc.Ask(t, ws)
			victim := e.NextEvent(t)
			for e.Grants("refresh_token") == 0 { // the server holds the request
				time.Sleep(time.Millisecond)
			}
			victim.Kill()
			start := time.Now()
			survivors := slices.DeleteFunc(slices.Clone(ws), func(w *crossproc.Worker) bool { return w == victim })
			wantOneToken(t, crossproc.Replies(t, survivors))
			t.Logf("took over %v after the kill", time.Since(start))
			if got := e.Grants("refresh_token"); got != 2 {
				t.Fatalf("%d refresh requests, want 2 (the killed one, never answered, and its successor)", got)
			}
			// The saved token's refresh token still works, in the old
			// processes and in a new one.
			e.Expire(t, survivors)
			tok := wantOneToken(t, crossproc.Tokens(t, survivors))
			if got := wantOneToken(t, crossproc.Tokens(t, e.Start(t, 1, false))); got != tok {
				t.Errorf("a new process got another token than the others")
			}
		})
	}
}

// TestRedisRestart: Redis goes down between expiries. Meanwhile a token
// that is due but valid keeps being used, an expired one fails with
// store_unavailable and nobody refreshes; once Redis is back, one
// process refreshes.
func TestRedisRestart(t *testing.T) {
	t.Parallel()
	e := crossproc.NewEnv(t, "redis", 10*time.Second)
	e.Seed(t)
	ws := e.Start(t, 4, false)
	e.Expire(t, ws)
	tok := wantOneToken(t, crossproc.Tokens(t, ws))
	e.Redis.Stop()
	e.Set(t, ws, time.Hour-30*time.Second) // due, not expired
	if got := wantOneToken(t, crossproc.Tokens(t, ws)); got != tok {
		t.Fatal("a due token was replaced while Redis was down")
	}
	e.Set(t, ws, time.Minute) // expired
	for _, r := range crossproc.Tokens(t, ws) {
		if r.Kind != "store_unavailable" {
			t.Errorf("expired token, Redis down: reply %+v, want a store_unavailable error", r)
		}
	}
	if got := e.Grants("refresh_token"); got != 1 {
		t.Fatalf("%d refreshes while Redis was down, want none after the first", got)
	}
	e.Redis.Restart(t)
	if got := wantOneToken(t, crossproc.Tokens(t, ws)); got == tok {
		t.Fatal("no new token after Redis came back")
	}
	if got := e.Grants("refresh_token"); got != 2 {
		t.Fatalf("%d refreshes after Redis came back, want 2 in all", got)
	}
}
