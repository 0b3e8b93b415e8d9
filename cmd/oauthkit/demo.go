package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/spf13/cobra"
)

const demoLong = `demo starts an OAuth 2.0 authorization server inside the process
(package oauthtest, on 127.0.0.1) and runs every flow the oauthkit library
supports against it, step by step, showing what was sent and received.
It needs no network beyond loopback and no browser, and takes seconds.

With --output text (the default for demo) the transcript and a summary
table go to stdout. With --output json the transcript goes to stderr and
stdout gets one JSON object: {"ok": ..., "steps": [...]}.

The exit code is 0 when every step passed and 2 otherwise.`

// demoStep is one step of the demo: a name for the summary and a function
// that runs it against the embedded server and returns a one-line result.
type demoStep struct {
	name string
	run  func(ctx context.Context, d *demoEnv) (string, error)
}

// demoResult is the outcome of one step, as reported in JSON.
type demoResult struct {
	Name     string `json:"name"`
	OK       bool   `json:"ok"`
	Result   string `json:"result,omitempty"`
	Error    string `json:"error,omitempty"`
	Duration string `json:"duration"`
	err      error
}

// demoEnv is what a step gets: the server, an HTTP client that logs every
// exchange, and the transcript.
type demoEnv struct {
	srv   *oauthtest.Server
	hc    *http.Client
	w     io.Writer
	style style
	red   redactor
	clock *demoClock
}

func (a *app) newDemoCmd() *cobra.Command {
	var only []string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run every flow against an embedded authorization server",
		Long:  demoLong,
		Example: `  oauthkit demo
  oauthkit demo --step "client credentials" --step "automatic refresh"
  oauthkit demo -o json | jq '.steps[] | select(.ok | not)'`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("output") {
				a.output = outputText
			}
			return a.runDemo(cmd.Context(), only)
		},
	}
	cmd.Flags().StringArrayVar(&only, "step", nil, "run only the steps whose name contains this text (repeatable)")
	return cmd
}

func (a *app) runDemo(ctx context.Context, only []string) error {
	steps := selectSteps(demoSteps(), only)
	if len(steps) == 0 {
		return usageError{fmt.Errorf("no demo step matches %q", only)}
	}
	w := a.stdout
	if a.output == outputJSON {
		w = a.stderr
	}
	d := newDemoEnv(&syncWriter{w: w}, style{on: a.useColour(w)}, redactor{show: a.showSecrets})
	defer d.srv.Close()
	fmt.Fprintf(w, "%s %s\n\n", d.style.bold("oauthkit demo:"), "authorization server "+d.srv.URL+" (in-process)")
	results := make([]demoResult, 0, len(steps))
	for i, st := range steps {
		results = append(results, d.runStep(ctx, i+1, st))
		if ctx.Err() != nil {
			break
		}
	}
	d.summary(results)
	if a.output == outputJSON {
		if err := writeJSON(a.stdout, demoReport(results)); err != nil {
			return err
		}
	}
	return demoErr(results)
}

func selectSteps(all []demoStep, only []string) []demoStep {
	if len(only) == 0 {
		return all
	}
	var out []demoStep
	for _, st := range all {
		for _, o := range only {
			if strings.Contains(st.name, strings.ToLower(o)) {
				out = append(out, st)
				break
			}
		}
	}
	return out
}

func newDemoEnv(w io.Writer, st style, red redactor) *demoEnv {
	clock := &demoClock{}
	srv := oauthtest.NewUnstartedServer()
	srv.DeviceInterval = time.Second
	srv.Start()
	base := srv.Client()
	hc := &http.Client{
		Transport:     &logTransport{base: base.Transport, w: w, red: red, style: st, indent: "    ", trim: srv.URL, maxBody: 240},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &demoEnv{srv: srv, hc: hc, w: w, style: st, red: red, clock: clock}
}

func (d *demoEnv) runStep(ctx context.Context, n int, st demoStep) demoResult {
	fmt.Fprintf(d.w, "%s\n", d.style.bold(fmt.Sprintf("%2d. %s", n, st.name)))
	d.clock.reset()
	start := time.Now()
	res, err := st.run(ctx, d)
	r := demoResult{Name: st.name, OK: err == nil, Result: res, err: err,
		Duration: fmt.Sprintf("%.1fms", float64(time.Since(start).Microseconds())/1000)}
	if err != nil {
		r.Error = trimPrefix(err.Error())
		fmt.Fprintf(d.w, "    %s %s\n\n", d.style.red("✗ FAIL"), r.Error)
		return r
	}
	fmt.Fprintf(d.w, "    %s %s\n\n", d.style.green("✓"), res)
	return r
}

// note writes an explanation line into the transcript.
func (d *demoEnv) note(format string, a ...any) {
	fmt.Fprintf(d.w, "    %s\n", d.style.dim(fmt.Sprintf(format, a...)))
}

func (d *demoEnv) summary(results []demoResult) {
	width := len("step")
	for _, r := range results {
		width = max(width, len(r.Name))
	}
	fmt.Fprintf(d.w, "%s\n", d.style.bold(fmt.Sprintf("%-3s %-*s  %-6s %s", "#", width, "step", "result", "time")))
	failed := 0
	for i, r := range results {
		verdict := d.style.green(fmt.Sprintf("%-6s", "ok"))
		if !r.OK {
			verdict = d.style.red(fmt.Sprintf("%-6s", "FAIL"))
			failed++
		}
		fmt.Fprintf(d.w, "%-3d %-*s  %s %s\n", i+1, width, r.Name, verdict, r.Duration)
	}
	fmt.Fprintf(d.w, "\n%d of %d steps passed\n", len(results)-failed, len(results))
}

func demoReport(results []demoResult) any {
	return struct {
		OK    bool         `json:"ok"`
		Steps []demoResult `json:"steps"`
	}{demoErr(results) == nil, results}
}

func demoErr(results []demoResult) error {
	var errs []error
	for _, r := range results {
		if r.err != nil {
			errs = append(errs, r.err)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &reportedError{msg: fmt.Sprintf("demo: %d of %d steps failed", len(errs), len(results)), err: errors.Join(errs...)}
}

// demoClock is the clients' clock in the demo: real time plus an offset
// that steps move forward to make tokens due without waiting.
type demoClock struct {
	mu     sync.Mutex // guards offset
	offset time.Duration
}

func (c *demoClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}

// reset puts the clock back to real time; each step starts there.
func (c *demoClock) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = 0
}

func (c *demoClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// config returns a session configuration for client c on the demo server,
// with the logging HTTP client and the demo clock.
func (d *demoEnv) config(c oauthtest.Client) oauthkit.Config {
	return oauthkit.Config{
		ClientID: c.ID, ClientSecret: c.Secret,
		AuthURL: d.srv.AuthorizationURL(), TokenURL: d.srv.TokenURL(),
		RevocationURL: d.srv.RevocationURL(), IntrospectionURL: d.srv.IntrospectionURL(),
		DeviceAuthURL: d.srv.DeviceAuthorizationURL(),
		AuthMethod:    c.AuthMethod,
		HTTPClient:    d.hc,
		Now:           d.clock.now,
	}
}

// session registers a client and returns a session for it.
func (d *demoEnv) session(c oauthtest.Client, edit func(*oauthkit.Config)) (*oauthkit.Session, oauthtest.Client, error) {
	c = d.srv.RegisterClient(c)
	cfg := d.config(c)
	if edit != nil {
		edit(&cfg)
	}
	s, err := oauthkit.NewSession(cfg)
	return s, c, err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
