package main

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

// version is the module version the binary was built from, as Go
// recorded it: a release tag for "go install ...@v1.2.3", "(devel)" for a
// build in a checkout, followed by the commit when known.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, modified string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	if rev != "" && !strings.Contains(v, rev[:min(12, len(rev))]) {
		v += fmt.Sprintf(" (commit %.12s%s)", rev, modified)
	}
	return v + " " + bi.GoVersion
}

const versionExample = `  oauthkit version
  oauthkit --version`

func (a *app) newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the version of oauthkit",
		Example: versionExample,
		Args:    exactArgs(0),
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintln(a.stdout, "oauthkit "+version())
			return err
		},
	}
}

const completionLong = `completion prints the script that completes oauthkit's commands and
flags in SHELL: bash, zsh, fish or powershell. Load it in the current
shell, or save it where the shell loads completions from.`

const completionExample = `  # bash (needs the bash-completion package)
  source <(oauthkit completion bash)
  oauthkit completion bash > /etc/bash_completion.d/oauthkit

  # zsh
  oauthkit completion zsh > "${fpath[1]}/_oauthkit"

  # fish
  oauthkit completion fish > ~/.config/fish/completions/oauthkit.fish

  # PowerShell
  oauthkit completion powershell | Out-String | Invoke-Expression`

func (a *app) newCompletionCmd() *cobra.Command {
	return &cobra.Command{
		Use:       "completion SHELL",
		Short:     "Print a shell completion script (bash, zsh, fish or powershell)",
		Long:      completionLong,
		Example:   completionExample,
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Args:      exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := cmd.Root()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(a.stdout, true)
			case "zsh":
				return root.GenZshCompletion(a.stdout)
			case "fish":
				return root.GenFishCompletion(a.stdout, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(a.stdout)
			}
			return usageError{fmt.Errorf("completion %q: want bash, zsh, fish or powershell", args[0])}
		},
	}
}

// registerCompletions completes flag values below root: saved profile
// names for -p, and the values of --grant, --auth-method and --output.
func (a *app) registerCompletions(root *cobra.Command) {
	fixed := func(vals ...string) cobra.CompletionFunc {
		return cobra.FixedCompletions(vals, cobra.ShellCompDirectiveNoFileComp)
	}
	funcs := map[string]cobra.CompletionFunc{
		"profile": func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			var names []string
			if st, err := a.store(); err == nil {
				names, _ = st.names()
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
		"grant":       fixed(grantAuthorizationCode, grantDeviceCode, grantClientCredentials, grantPassword, grantJWTBearer),
		"auth-method": fixed(authMethodNames()...),
	}
	var walk func(cmd *cobra.Command)
	walk = func(cmd *cobra.Command) {
		for name, fn := range funcs {
			if cmd.LocalFlags().Lookup(name) != nil {
				_ = cmd.RegisterFlagCompletionFunc(name, fn)
			}
		}
		for _, c := range cmd.Commands() {
			walk(c)
		}
	}
	walk(root)
	_ = root.RegisterFlagCompletionFunc("output", fixed(outputJSON, outputText, outputEnv, outputHeader))
	if tok, _, err := root.Find([]string{"token"}); err == nil {
		_ = tok.RegisterFlagCompletionFunc("output", fixed(outputToken, outputJSON, outputText, outputEnv, outputHeader))
	}
}
