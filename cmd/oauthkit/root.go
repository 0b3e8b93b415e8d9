package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// Output formats of --output.
const (
	outputJSON   = "json"
	outputText   = "text"
	outputEnv    = "env"
	outputHeader = "header"
)

// app holds what every command shares: the standard streams, the
// environment and the global flags. Commands never touch os.Stdout,
// os.Stderr or os.Getenv directly, so tests can run them in-process.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// isTTY, when set, says which streams are terminals; nil asks the
	// operating system.
	isTTY func(io.Writer) bool
	// transport sends every request of the run; its idle connections are
	// closed when the run ends.
	transport *http.Transport
	// trusted is the --ca-file whose CAs transport trusts.
	trusted string

	output      string
	verbose     bool
	showSecrets bool
	// timeout is --timeout: the limit of a command's run.
	timeout time.Duration

	// cmdCtx is the context of the running command, ended by --timeout;
	// cancel releases it.
	cmdCtx context.Context
	cancel context.CancelFunc
	// conns are the connections the command opened; the run waits for
	// their renewals in flight before it ends, so that no rotated refresh
	// token is lost.
	conns []*conn
}

// ownTimeout is the annotation of commands that apply --timeout to each
// exchange with the server instead of to the whole run, because they wait
// for the user in between.
const ownTimeout = "own-timeout"

const rootLong = `oauthkit obtains, refreshes, revokes and inspects OAuth 2.0 and OpenID
Connect tokens, and runs every flow of the oauthkit library against an
embedded authorization server ("oauthkit demo").

Results are written to stdout (JSON unless --output says otherwise, ready
for jq); progress and explanations go to stderr. Secrets are shortened to
their first characters unless --show-secrets is given.

Environment:
  OAUTHKIT_CLIENT_SECRET         client secret, instead of a prompt
  OAUTHKIT_PASSWORD              the password grant's password, instead of a prompt
  OAUTHKIT_CONFIG_DIR            directory of profiles and tokens
  OAUTHKIT_INITIAL_ACCESS_TOKEN  register's initial access token, instead of
                                 --initial-access-token-file
  OAUTHKIT_INSECURE_TRANSPORT    set to 1 to allow plain http to non-loopback
                                 hosts (development servers only)
  NO_COLOR                       disable colour

Exit codes:
  0    success
  1    usage error: bad flags, arguments or configuration
  2    authorization failed: the server's error=, a state, iss, signature or
       claim check, a token that is missing or expired, an HTTP 401 or 403
  3    network error: the server could not be reached or timed out
  4    local error: a file, directory or port of this machine could not be
       used (permissions, a busy --redirect-port, a missing file)
  5    server error: another HTTP error status (such as 404 or 500), or an
       answer that is not OAuth (an HTML page, invalid JSON)
  130  interrupted (Ctrl-C); 143 for SIGTERM`

const rootExample = `  # Every flow against an embedded server, in seconds
  oauthkit demo

  # Log in to GitHub once, then call its API
  oauthkit login -p gh --client-id Ov23liEXAMPLE --grant device_code --auth-method none \
    --device-auth-url https://github.com/login/device/code \
    --token-url https://github.com/login/oauth/access_token
  curl -H "Authorization: Bearer $(oauthkit token -p gh)" https://api.github.com/user

  # Google, Okta or Keycloak: endpoints come from the issuer
  oauthkit login -p google --issuer https://accounts.google.com \
    --client-id 123.apps.googleusercontent.com --client-secret-file ~/.google-secret
  oauthkit userinfo -p google

  # A service with client credentials
  OAUTHKIT_CLIENT_SECRET=... oauthkit login -p svc --grant client_credentials \
    --client-id reporting --token-url https://auth.example.com/oauth2/token
  oauthkit request -p svc https://api.example.com/reports`

// run executes the command line args and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	return a.run(ctx, args)
}

func (a *app) run(ctx context.Context, args []string) int {
	a.transport = http.DefaultTransport.(*http.Transport).Clone()
	defer a.transport.CloseIdleConnections()
	root := a.newRootCmd()
	root.SetArgs(args)
	root.SetIn(a.stdin)
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	err := root.ExecuteContext(ctx)
	a.settle()
	if a.cancel != nil {
		defer a.cancel()
	}
	red := style{on: a.useColour(a.stderr)}.red
	switch {
	case err == nil:
		return exitOK
	case ctx.Err() != nil:
		fmt.Fprintln(a.stderr, red("oauthkit: interrupted"))
		return interruptedCode(context.Cause(ctx))
	case errors.Is(err, errCommandTimeout) || (a.cmdCtx != nil && errors.Is(context.Cause(a.cmdCtx), errCommandTimeout) && errors.Is(err, context.DeadlineExceeded)):
		err = withHint(err, fmt.Sprintf("the command ran longer than --timeout %s; give a longer one, or 0 for none", a.timeout))
	}
	fmt.Fprintln(a.stderr, red(redactor{show: a.showSecrets}.scrub(errorLine(err))))
	if isUsage(err) && !errors.As(err, new(*reportedError)) {
		fmt.Fprintln(a.stderr, `Run "oauthkit help" for usage.`)
	}
	return exitCode(ctx, err)
}

// settleTimeout bounds the wait for a renewal in flight when a command
// ends early.
const settleTimeout = 10 * time.Second

// settle waits until no session of the run is renewing its token, so that
// a token the server already rotated is saved before the process exits.
func (a *app) settle() {
	deadline := time.Now().Add(settleTimeout)
	for _, c := range a.conns {
		for c.s != nil && c.s.Renewing() && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
	}
}

func (a *app) newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:               "oauthkit",
		Short:             "OAuth 2.0 and OpenID Connect tokens from the command line",
		Long:              rootLong,
		Example:           rootExample,
		SilenceErrors:     true,
		SilenceUsage:      true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
		Version:           version(),
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error { return a.prepare(cmd) },
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.SetVersionTemplate("oauthkit {{.Version}}\n")
	f := root.PersistentFlags()
	f.StringVarP(&a.output, "output", "o", outputJSON, "result format: json, text, env or header")
	f.BoolVarP(&a.verbose, "verbose", "v", false, "show every HTTP exchange on stderr, secrets shortened")
	f.BoolVar(&a.showSecrets, "show-secrets", false, "print secrets in full")
	f.DurationVar(&a.timeout, "timeout", time.Minute, "limit of the command's run; 0 for none (login: of each exchange, not of the wait for the user)")
	root.AddCommand(a.newDemoCmd(), a.newLoginCmd(), a.newTokenCmd(), a.newRequestCmd(),
		a.newRefreshCmd(), a.newRevokeCmd(), a.newIntrospectCmd(), a.newUserInfoCmd(),
		a.newDiscoverCmd(), a.newJWTCmd(), a.newExchangeCmd(), a.newProfilesCmd(), a.newLogoutCmd(), a.newRegisterCmd(),
		a.newVersionCmd(), a.newCompletionCmd())
	a.registerCompletions(root)
	return root
}

// prepare checks the global flags and starts the --timeout clock of cmd.
func (a *app) prepare(cmd *cobra.Command) error {
	switch a.output {
	case outputJSON, outputText, outputEnv, outputHeader:
	default:
		return usageError{fmt.Errorf("--output %q: want json, text, env or header", a.output)}
	}
	if a.timeout < 0 {
		return usageError{fmt.Errorf("--timeout %s: want a positive duration, or 0 for none", a.timeout)}
	}
	if a.timeout > 0 && cmd.Annotations[ownTimeout] == "" {
		a.cmdCtx, a.cancel = context.WithTimeoutCause(cmd.Context(), a.timeout, errCommandTimeout)
		cmd.SetContext(a.cmdCtx)
	}
	return nil
}

// bounded returns ctx limited by --timeout, for one exchange of a
// command that has its own timeout.
func (a *app) bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	if a.timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeoutCause(ctx, a.timeout, errCommandTimeout)
}

// insecureTransport reports whether OAUTHKIT_INSECURE_TRANSPORT allows
// plain http to hosts other than loopback.
func (a *app) insecureTransport() bool {
	v := strings.ToLower(strings.TrimSpace(a.getenv("OAUTHKIT_INSECURE_TRANSPORT")))
	return v == "1" || v == "true" || v == "yes"
}

// exactArgs is cobra.ExactArgs with usage errors.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}
