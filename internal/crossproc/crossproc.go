// Package crossproc runs token-store scenarios across OS processes, for
// the tests and benchmarks: a worker binary (./worker) built once per
// test binary, N workers sharing one file or Redis store, and an
// oauthtest server that rotates refresh tokens, revokes the grant on
// reuse, and runs on a clock the test moves.
package crossproc

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/internal/redisserver"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/store/file"
	"github.com/oauthkit/oauthkit/store/redis"
)

var build struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

// Binary builds the worker once per process and returns its path.
func Binary(tb testing.TB) string {
	tb.Helper()
	build.once.Do(func() {
		build.dir, build.err = os.MkdirTemp("", "oauthkit-worker-")
		if build.err != nil {
			return
		}
		build.bin = filepath.Join(build.dir, "worker")
		out, err := exec.Command("go", "build", "-o", build.bin, "github.com/oauthkit/oauthkit/internal/crossproc/worker").CombinedOutput()
		if err != nil {
			build.err = fmt.Errorf("go build worker: %v\n%s", err, out)
		}
	})
	if build.err != nil {
		tb.Fatal(build.err)
	}
	return build.bin
}

// Cleanup removes the built worker; call it from TestMain.
func Cleanup() {
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
}

// Env is one shared store, the server, and the clock of a scenario.
type Env struct {
	Kind   string              // "file" or "redis"
	Srv    *oauthtest.Server   // rotates refresh tokens, revokes the grant on reuse
	Client oauthtest.Client    // the client every worker uses
	Redis  *redisserver.Server // for Kind "redis"
	Store  oauthkit.TokenStore // the parent's own handle on the store
	Lease  time.Duration       // the store's lease TTL, in the parent and the workers

	path   string
	now    atomic.Int64
	events chan *Worker // a worker that printed an event
}

// NewEnv starts a server and a store of kind ("file" or "redis") whose
// leases last lease.
func NewEnv(tb testing.TB, kind string, lease time.Duration) *Env {
	tb.Helper()
	e := &Env{Kind: kind, Lease: lease, path: filepath.Join(tb.TempDir(), "token.json"), events: make(chan *Worker, 64)}
	e.now.Store(time.Now().UnixNano())
	e.Srv = oauthtest.NewUnstartedServer()
	e.Srv.RotateRefreshTokens, e.Srv.DetectRefreshTokenReuse = true, true
	e.Srv.Now = e.Now
	e.Srv.Start()
	tb.Cleanup(e.Srv.Close)
	e.Client = e.Srv.RegisterClient(oauthtest.Client{})
	var err error
	switch kind {
	case "file":
		e.Store, err = file.New(e.path, file.Options{LeaseTTL: lease})
	case "redis":
		e.Redis = redisserver.Start(tb)
		rdb := goredis.NewClient(&goredis.Options{Addr: e.Redis.Addr, MaxRetries: 1, DialTimeout: time.Second})
		tb.Cleanup(func() { rdb.Close() })
		e.Store, err = redis.New(rdb, redis.Options{ClientID: e.Client.ID, LeaseTTL: lease})
	default:
		err = fmt.Errorf("unknown store %q", kind)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// Now is the scenario's clock.
func (e *Env) Now() time.Time { return time.Unix(0, e.now.Load()) }

// Seed logs in with the password grant through a session of the parent,
// which saves the token to the store, and returns it.
func (e *Env) Seed(tb testing.TB) *oauthkit.Token {
	tb.Helper()
	s, err := oauthkit.NewSession(oauthkit.Config{
		ClientID: e.Client.ID, ClientSecret: e.Client.Secret, TokenURL: e.Srv.TokenURL(),
		Store: e.Store, Now: e.Now,
	})
	if err != nil {
		tb.Fatal(err)
	}
	u := oauthtest.DefaultUser()
	tok, err := s.FetchToken(context.Background(), oauthkit.Password(u.Username, u.Password))
	if err != nil {
		tb.Fatalf("seed: %v", err)
	}
	return tok
}

// Grants counts the token requests of grant type gt the server received.
func (e *Env) Grants(gt string) int {
	n := 0
	for _, r := range e.Srv.Requests() {
		if r.Endpoint == oauthtest.TokenEndpoint && r.Form.Get("grant_type") == gt {
			n++
		}
	}
	return n
}

// Worker is one worker process.
type Worker struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	lines chan string // answers
}

// Start starts n workers on e's store, and stops them when tb ends.
// With clientCredentials they fetch their token with that grant.
func (e *Env) Start(tb testing.TB, n int, clientCredentials bool) []*Worker {
	tb.Helper()
	bin := Binary(tb)
	args := []string{"-store", e.Kind, "-path", e.path, "-token-url", e.Srv.TokenURL(),
		"-client-id", e.Client.ID, "-client-secret", e.Client.Secret, "-lease", e.Lease.String()}
	if e.Redis != nil {
		args = append(args, "-redis", e.Redis.Addr)
	}
	if clientCredentials {
		args = append(args, "-client-credentials")
	}
	ws := make([]*Worker, n)
	for i := range ws {
		ws[i] = startWorker(tb, bin, args, e.events)
	}
	e.Set(tb, ws, 0)
	return ws
}

func startWorker(tb testing.TB, bin string, args []string, events chan<- *Worker) *Worker {
	tb.Helper()
	w := &Worker{cmd: exec.Command(bin, args...), lines: make(chan string, 16)}
	w.cmd.Stderr = os.Stderr
	stdout, err := w.cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if w.stdin, err = w.cmd.StdinPipe(); err != nil {
		tb.Fatal(err)
	}
	if err := w.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if line := sc.Text(); strings.HasPrefix(line, "event ") {
				select {
				case events <- w:
				default: // nobody listens
				}
			} else {
				w.lines <- line
			}
		}
		close(w.lines)
	}()
	tb.Cleanup(func() {
		w.stdin.Close()
		timer := time.AfterFunc(10*time.Second, func() { w.cmd.Process.Kill() })
		for range w.lines {
		}
		<-done
		w.cmd.Wait()
		timer.Stop()
	})
	return w
}

// Kill kills the worker with SIGKILL.
func (w *Worker) Kill() { w.cmd.Process.Kill() }

// NextEvent returns the next worker that sends a token request.
func (e *Env) NextEvent(tb testing.TB) *Worker {
	tb.Helper()
	select {
	case w := <-e.events:
		return w
	case <-time.After(30 * time.Second):
		tb.Fatal("no worker sent a token request")
		return nil
	}
}

func (w *Worker) send(tb testing.TB, cmd string) {
	if _, err := io.WriteString(w.stdin, cmd+"\n"); err != nil {
		tb.Errorf("worker %d: %v", w.cmd.Process.Pid, err)
	}
}

func (w *Worker) answer(tb testing.TB) string {
	select {
	case line, ok := <-w.lines:
		if !ok {
			tb.Errorf("worker %d exited", w.cmd.Process.Pid)
		}
		return line
	case <-time.After(60 * time.Second):
		tb.Errorf("worker %d did not answer", w.cmd.Process.Pid)
		return ""
	}
}

// Reply is a worker's answer to "token".
type Reply struct {
	Token   string        // the access token; empty on error
	D       time.Duration // how long ValidToken took
	Fetched bool          // this worker sent the token request
	Kind    string        // on error: store_unavailable, invalid_grant or other
	Err     string        // on error: the message
}

// Tokens sends "token" to every worker at once and returns their replies.
func Tokens(tb testing.TB, ws []*Worker) []Reply {
	tb.Helper()
	Ask(tb, ws)
	return Replies(tb, ws)
}

// Ask sends "token" to every worker.
func Ask(tb testing.TB, ws []*Worker) {
	for _, w := range ws {
		w.send(tb, "token")
	}
}

// Replies collects the workers' answers to "token".
func Replies(tb testing.TB, ws []*Worker) []Reply {
	tb.Helper()
	replies := make([]Reply, len(ws))
	for i, w := range ws {
		replies[i] = parse(w.answer(tb))
	}
	return replies
}

func parse(line string) Reply {
	f := strings.SplitN(line, " ", 4)
	switch {
	case len(f) == 4 && f[0] == "token":
		ns, _ := strconv.ParseInt(f[2], 10, 64)
		return Reply{Token: f[1], D: time.Duration(ns), Fetched: f[3] != "0"}
	case len(f) >= 2 && f[0] == "error":
		return Reply{Kind: f[1], Err: strings.Join(f[2:], " ")}
	}
	return Reply{Kind: "other", Err: fmt.Sprintf("unexpected answer %q", line)}
}

// Set moves the clock of the server and of the workers d forward.
func (e *Env) Set(tb testing.TB, ws []*Worker, d time.Duration) {
	tb.Helper()
	n := e.now.Add(int64(d))
	for _, w := range ws {
		w.send(tb, "now "+strconv.FormatInt(n, 10))
	}
	for _, w := range ws {
		if a := w.answer(tb); a != "ok" {
			tb.Fatalf("now: worker answered %q", a)
		}
	}
}

// Expire moves the clock past the access tokens' lifetime (one hour).
func (e *Env) Expire(tb testing.TB, ws []*Worker) { e.Set(tb, ws, time.Hour+time.Second) }
