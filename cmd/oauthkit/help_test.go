package main

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// providers are the kinds of server every command's examples cover where
// the command applies; the help text says why one does not apply.
var providers = []string{"github", "google", "okta", "keycloak", "client credentials"}

// helpProviders lists, for the commands that do not take all of
// providers, the ones their help must name.
var helpProviders = map[string][]string{
	"oauthkit demo":       nil, // an embedded server only
	"oauthkit version":    nil,
	"oauthkit completion": nil,
	"oauthkit jwt":        nil, // a group; "jwt decode" has the examples
	"oauthkit discover":   {"github", "google", "okta", "keycloak", "rfc 8414"},
}

// commandPaths lists the path of every command under root, root included,
// without cobra's own help command.
func commandPaths(cmd *cobra.Command) []string {
	paths := []string{cmd.CommandPath()}
	for _, c := range cmd.Commands() {
		if c.Name() != "help" {
			paths = append(paths, commandPaths(c)...)
		}
	}
	return paths
}

func TestHelp_examples(t *testing.T) {
	t.Parallel()
	paths := commandPaths((&app{}).newRootCmd())
	if len(paths) < 14 {
		t.Fatalf("found %d commands: %q", len(paths), paths)
	}
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			args := append(strings.Fields(path)[1:], "--help")
			r := runCLI(t, nil, args...)
			if r.code != exitOK {
				t.Fatalf("%s --help: exit %d\n%s", path, r.code, r.stderr)
			}
			_, examples, ok := strings.Cut(r.stdout, "\nExamples:\n")
			if !ok || strings.TrimSpace(examples) == "" {
				t.Fatalf("%s --help has no Examples section:\n%s", path, r.stdout)
			}
			want, ok := helpProviders[path]
			if !ok {
				want = providers
			}
			help := strings.ReplaceAll(strings.ToLower(r.stdout), "-", " ")
			for _, p := range want {
				if !strings.Contains(help, p) {
					t.Errorf("%s --help does not mention %s", path, p)
				}
			}
		})
	}
}

func TestHelp_exitCodes(t *testing.T) {
	t.Parallel()
	r := runCLI(t, nil, "--help")
	for _, want := range []string{
		"Exit codes:",
		"  0    success",
		"  1    usage error",
		"  2    authorization failed",
		"  3    network error",
		"  4    local error",
		"  5    server error",
		"  130  interrupted",
		"OAUTHKIT_CLIENT_SECRET", "OAUTHKIT_CONFIG_DIR", "OAUTHKIT_INSECURE_TRANSPORT", "NO_COLOR",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("oauthkit --help lacks %q", want)
		}
	}
}
