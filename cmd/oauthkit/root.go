package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

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
	// transport sends every request of the run; its idle connections are
	// closed when the run ends.
	transport *http.Transport

	output      string
	verbose     bool
	showSecrets bool
}

const rootLong = `oauthkit obtains, refreshes, revokes and inspects OAuth 2.0 and OpenID
Connect tokens, and runs every flow of the oauthkit library against an
embedded authorization server ("oauthkit demo").

Results are written to stdout (JSON unless --output says otherwise, ready
for jq); progress and explanations go to stderr. Secrets are shortened to
their first characters unless --show-secrets is given.

Environment:
  OAUTHKIT_CLIENT_SECRET       client secret, instead of a prompt
  OAUTHKIT_CONFIG_DIR          directory of profiles and tokens
  OAUTHKIT_INSECURE_TRANSPORT  set to 1 to allow plain http to non-loopback
                               hosts (development servers only)
  NO_COLOR                     disable colour

Exit codes:
  0  success
  1  usage error: bad flags, arguments or configuration
  2  authorization failed: the server's error=, a state, iss or token problem
  3  network error: the server could not be reached or timed out`

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
	if err == nil {
		return exitOK
	}
	code := exitCode(ctx, err)
	fmt.Fprintln(a.stderr, errorLine(err))
	if code == exitUsage && !isReported(err) {
		fmt.Fprintln(a.stderr, `Run "oauthkit help" for usage.`)
	}
	return code
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
		PersistentPreRunE: func(*cobra.Command, []string) error { return a.checkGlobalFlags() },
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	f := root.PersistentFlags()
	f.StringVarP(&a.output, "output", "o", outputJSON, "result format: json, text, env or header")
	f.BoolVarP(&a.verbose, "verbose", "v", false, "show every HTTP exchange on stderr, secrets shortened")
	f.BoolVar(&a.showSecrets, "show-secrets", false, "print secrets in full")
	root.AddCommand(a.newDemoCmd(), a.newLoginCmd(), a.newTokenCmd(), a.newRequestCmd(),
		a.newRefreshCmd(), a.newRevokeCmd(), a.newIntrospectCmd(), a.newUserInfoCmd(),
		a.newDiscoverCmd(), a.newJWTCmd(), a.newProfilesCmd(), a.newLogoutCmd())
	return root
}

func (a *app) checkGlobalFlags() error {
	switch a.output {
	case outputJSON, outputText, outputEnv, outputHeader:
		return nil
	}
	return usageError{fmt.Errorf("--output %q: want json, text, env or header", a.output)}
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
