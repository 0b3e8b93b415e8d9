// Command worker is one OS process of the cross-process token-store
// tests: a Session on a shared file or Redis store, driven line by line
// on stdin, answering on stdout.
//
// Commands:
//
//	now <unix-ns>   set the session's clock; answers "ok"
//	token           ValidToken; answers "token <access> <ns> <fetched>" (the
//	                call's duration, and 1 when this process sent the token
//	                request) or "error <kind> <message>" with kind
//	                store_unavailable, invalid_grant or other
//
// It also prints "event token-request" when it sends a token request.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/store/file"
	"github.com/oauthkit/oauthkit/store/redis"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "worker:", err)
		os.Exit(1)
	}
}

// out serializes the lines of the command loop and of the transport.
type out struct {
	mu sync.Mutex
	w  *bufio.Writer
}

func (o *out) println(a ...any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	fmt.Fprintln(o.w, a...)
	o.w.Flush()
}

// announce prints an event before each token request.
type announce struct {
	o       *out
	url     string
	fetched *atomic.Int32
}

func (a announce) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.String() == a.url {
		a.fetched.Add(1)
		a.o.println("event token-request")
	}
	return http.DefaultTransport.RoundTrip(r)
}

func run() error {
	var (
		kind     = flag.String("store", "file", "file or redis")
		path     = flag.String("path", "", "token file")
		addr     = flag.String("redis", "", "redis host:port")
		tokenURL = flag.String("token-url", "", "token endpoint")
		id       = flag.String("client-id", "", "client id")
		secret   = flag.String("client-secret", "", "client secret")
		cc       = flag.Bool("client-credentials", false, "fetch with the client credentials grant")
		lease    = flag.Duration("lease", 0, "lease TTL")
	)
	flag.Parse()
	var store oauthkit.TokenStore
	switch *kind {
	case "file":
		s, err := file.New(*path, file.Options{LeaseTTL: *lease})
		if err != nil {
			return err
		}
		store = s
	case "redis":
		goredis.SetLogger(quiet{}) // the pool's dial errors reach the session as errors
		rdb := goredis.NewClient(&goredis.Options{Addr: *addr, MaxRetries: 1, DialTimeout: time.Second})
		defer rdb.Close()
		s, err := redis.New(rdb, redis.Options{ClientID: *id, LeaseTTL: *lease})
		if err != nil {
			return err
		}
		store = s
	default:
		return fmt.Errorf("unknown store %q", *kind)
	}
	o := &out{w: bufio.NewWriter(os.Stdout)}
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	var fetched atomic.Int32
	cfg := oauthkit.Config{
		ClientID: *id, ClientSecret: *secret, TokenURL: *tokenURL, Store: store,
		Now:        func() time.Time { return time.Unix(0, now.Load()) },
		Retry:      oauthkit.RetryPolicy{Disabled: true},
		HTTPClient: &http.Client{Transport: announce{o: o, url: *tokenURL, fetched: &fetched}},
	}
	if *cc {
		cfg.Grant = oauthkit.ClientCredentials()
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		return err
	}
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		cmd, arg, _ := strings.Cut(in.Text(), " ")
		switch cmd {
		case "now":
			n, err := strconv.ParseInt(arg, 10, 64)
			if err != nil {
				return err
			}
			now.Store(n)
			o.println("ok")
		case "token":
			before := fetched.Load()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			start := time.Now()
			tok, err := s.ValidToken(ctx)
			d := time.Since(start)
			cancel()
			if err != nil {
				o.println("error", errorKind(err), strings.ReplaceAll(err.Error(), "\n", " "))
				continue
			}
			o.println("token", tok.AccessToken, d.Nanoseconds(), fetched.Load()-before)
		default:
			return fmt.Errorf("unknown command %q", cmd)
		}
	}
	return in.Err()
}

// quiet drops go-redis's log lines.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

func errorKind(err error) string {
	if errors.Is(err, oauthkit.ErrStoreUnavailable) {
		return "store_unavailable"
	}
	if e, ok := errors.AsType[*oauthkit.Error](err); ok && e.Code == oauthkit.ErrorCodeInvalidGrant {
		return "invalid_grant"
	}
	return "other"
}
