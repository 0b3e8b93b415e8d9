package oauthkit_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The README's Go snippets are checked by compiling each one as its own
// program. A snippet that starts with "package" is a whole file and is
// compiled as it is. Any other snippet is a fragment of a program's main
// function, or, when it uses the handler's w or r, of a net/http handler
// (where ctx is r.Context()). The program around a fragment declares what
// the README's prose takes as given, in readmePrelude; the fragment's
// imports are derived from the package names it uses (readmeImports); and
// each variable the fragment declares at its top level is marked used,
// since the reader's program goes on after the fragment. Nothing else is
// added: a snippet that does not compile as written fails the test, with
// the compiler's message pointing at the README line.
//
// To add a snippet that needs a new given (a database handle, a helper the
// prose describes), declare it in readmePrelude; for a new package, add
// it to readmeImports.

// readmePrelude declares what the README's fragments take as given.
const readmePrelude = `package main

import (
	"context"
	"net/http"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/web"
)

// Values the reader supplies.
var (
	ctx              = context.Background()
	issuer           string // an OpenID provider
	id, secret       string // client credentials
	cb               string // the redirect URI
	callbackURL      string // where the provider redirected the browser
	tokenURL, apiURL string
	jsonFile         []byte // a service-account key file
	tokenKey         []byte // 32 random bytes that encrypt stored tokens
	userToken        string // the access token a user's request came with
)

// db stores tokens.
var db interface {
	SaveToken(ctx context.Context, tok *oauthkit.Token, oldRefreshToken string) error
}

// The app's own per-user session storage.
func saveInUserSession(w http.ResponseWriter, r *http.Request, ar oauthkit.AuthorizationRequest) {}
func loadFromUserSession(r *http.Request) oauthkit.AuthorizationRequest {
	return oauthkit.AuthorizationRequest{}
}

// The web login's givens: a second client, the flow-cookie key, and the
// app's own session and page.
var (
	googleID, googleSecret string
	flowKey                []byte // 32 random bytes
	profile                http.Handler
)

func startUserSession(w http.ResponseWriter, res *web.Result) error { return nil }
func hasUserSession(r *http.Request) bool                           { return false }
`

// readmeImports maps the package names fragments may use to their paths.
var readmeImports = map[string]string{
	"oauthkit":     "github.com/oauthkit/oauthkit",
	"oidc":         "github.com/oauthkit/oauthkit/oidc",
	"jose":         "github.com/oauthkit/oauthkit/jose",
	"dpop":         "github.com/oauthkit/oauthkit/dpop",
	"tls":          "crypto/tls",
	"assertion":    "github.com/oauthkit/oauthkit/assertion",
	"oauthtest":    "github.com/oauthkit/oauthkit/oauthtest",
	"registration": "github.com/oauthkit/oauthkit/registration",
	"xoauth2":      "github.com/oauthkit/oauthkit/xoauth2",
	"web":          "github.com/oauthkit/oauthkit/web",
	"filestore":    "github.com/oauthkit/oauthkit/store/file",
	"redisstore":   "github.com/oauthkit/oauthkit/store/redis",
	"memory":       "github.com/oauthkit/oauthkit/store/memory",
	"goredis":      "github.com/redis/go-redis/v9",
	"context":      "context",
	"errors":       "errors",
	"fmt":          "fmt",
	"http":         "net/http",
	"io":           "io",
	"json":         "encoding/json",
	"log":          "log",
	"os":           "os",
	"slog":         "log/slog",
	"strings":      "strings",
	"time":         "time",
	"url":          "net/url",
}

// snippet is one fenced Go block of a Markdown file.
type snippet struct {
	line int // line of the first code line, 1-based
	code string
}

// goSnippets returns the ```go blocks of a Markdown document.
func goSnippets(t *testing.T, md []byte) []snippet {
	t.Helper()
	var out []snippet
	var cur *snippet
	var b strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(md))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		fence := strings.TrimSpace(line)
		switch {
		case cur == nil && strings.HasPrefix(fence, "```go") && strings.TrimSpace(fence[len("```go"):]) == "":
			cur = &snippet{line: n + 1}
			b.Reset()
		case cur != nil && fence == "```":
			cur.code = b.String()
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	if cur != nil {
		t.Fatalf("README.md:%d: unterminated ```go block", cur.line-1)
	}
	return out
}

// program returns the files of the program that checks s.
func (s snippet) program(t *testing.T, file string) (map[string]string, error) {
	t.Helper()
	if strings.HasPrefix(strings.TrimSpace(s.code), "package ") {
		return map[string]string{"main.go": fmt.Sprintf("//line %s:%d:1\n%s", file, s.line, s.code)}, nil
	}
	body := fmt.Sprintf("//line %s:%d:1\n%s", file, s.line, s.code)
	// Parse once to learn what the fragment uses and declares.
	probe := "package main\n\nfunc main() {\n" + body + "\n}\n"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, probe, 0)
	if err != nil {
		return nil, err
	}
	free := map[string]bool{}
	for _, id := range f.Unresolved {
		free[id.Name] = true
	}
	handler := free["w"] || free["r"] // a fragment of a handler
	var imports []string
	for name, path := range readmeImports {
		if free[name] || (handler && name == "http") {
			imports = append(imports, fmt.Sprintf("\t%s %q\n", name, path)) // names may be aliases
		}
	}
	slices.Sort(imports)
	var used strings.Builder
	for _, name := range declaredNames(f) {
		fmt.Fprintf(&used, "\t_ = %s\n", name)
	}
	var src strings.Builder
	src.WriteString("package main\n\nimport (\n" + strings.Join(imports, "") + ")\n\nfunc main() {\n")
	if handler {
		src.WriteString("\thttp.HandleFunc(\"/\", func(w http.ResponseWriter, r *http.Request) {\n\t\tctx := r.Context()\n\t\t_ = ctx\n")
	}
	src.WriteString(body + "\n//line readme_test.go:1\n" + used.String())
	if handler {
		src.WriteString("\t})\n")
	}
	src.WriteString("}\n")
	return map[string]string{"main.go": src.String(), "prelude.go": readmePrelude}, nil
}

// declaredNames returns the variables a fragment declares at the top level
// of main, in order, once each.
func declaredNames(f *ast.File) []string {
	var names []string
	add := func(id *ast.Ident) {
		if id.Name != "_" && !slices.Contains(names, id.Name) {
			names = append(names, id.Name)
		}
	}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Name.Name != "main" {
			continue
		}
		for _, st := range fn.Body.List {
			switch st := st.(type) {
			case *ast.AssignStmt:
				if st.Tok == token.DEFINE {
					for _, e := range st.Lhs {
						if id, ok := e.(*ast.Ident); ok {
							add(id)
						}
					}
				}
			case *ast.DeclStmt:
				if g, ok := st.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
					for _, sp := range g.Specs {
						for _, id := range sp.(*ast.ValueSpec).Names {
							add(id)
						}
					}
				}
			}
		}
	}
	return names
}

// TestREADME_snippetsCompile builds every Go snippet of README.md.
func TestREADME_snippetsCompile(t *testing.T) {
	t.Parallel()
	buildSnippets(t, "README.md", nil)
}

// buildSnippets builds every Go snippet of the Markdown file, each with
// the files of extra (name to source) added to its program.
func buildSnippets(t *testing.T, file string, extra map[string]string) {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the go command is needed to build the snippets of %s: %v", file, err)
		}
		t.Skipf("the go command is not on PATH; the snippets of %s are not built", file)
	}
	md, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	snippets := goSnippets(t, md)
	if len(snippets) == 0 {
		t.Fatalf("%s has no ```go blocks", file)
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	overlay := map[string]string{}
	var pkgs []string
	for i, s := range snippets {
		files, err := s.program(t, file)
		if err != nil {
			t.Errorf("snippet at %s:%d does not parse: %v", file, s.line, err)
			continue
		}
		if !strings.HasPrefix(strings.TrimSpace(s.code), "package ") {
			maps.Copy(files, extra)
		}
		// The programs live, virtually, inside the module, so that they
		// import its packages as they are.
		dir := fmt.Sprintf("internal/readmesnippets/s%02d", i)
		for name, src := range files {
			real := filepath.Join(tmp, fmt.Sprintf("s%02d_%s", i, name))
			if err := os.WriteFile(real, []byte(src), 0o600); err != nil {
				t.Fatal(err)
			}
			overlay[filepath.Join(root, dir, name)] = real
		}
		pkgs = append(pkgs, "./"+dir)
	}
	if t.Failed() {
		return
	}
	o, err := json.Marshal(map[string]any{"Replace": overlay})
	if err != nil {
		t.Fatal(err)
	}
	overlayFile := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(overlayFile, o, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), goBin, append([]string{"build", "-overlay", overlayFile, "-o", os.DevNull}, pkgs...)...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("%s's Go snippets do not compile as written:\n%s", file, filterBuildOutput(out))
	}
}

// filterBuildOutput drops the package lines of go build's output, which
// name the virtual packages, and keeps the compiler's messages.
func filterBuildOutput(out []byte) string {
	var b strings.Builder
	for line := range strings.Lines(string(out)) {
		if strings.HasPrefix(line, "# ") {
			continue
		}
		b.WriteString(line)
	}
	return b.String()
}

// The harness: blocks are found, fragments are wrapped as the README's
// prose implies, whole files are left alone.
func TestREADME_harness(t *testing.T) {
	t.Parallel()
	md := "# x\n```go\nfmt.Println(id)\n```\n```sh\nls\n```\n" +
		"```go\ntok, err := s.ExchangeCallback(r.Context(), r, ar)\n```\n```go\npackage main\n```\n"
	got := goSnippets(t, []byte(md))
	if len(got) != 3 || got[0].line != 3 || got[1].line != 9 || got[2].line != 12 {
		t.Fatalf("goSnippets() = %+v", got)
	}
	tests := []struct {
		s             snippet
		want, wantNot []string
		wantPrelude   bool
	}{
		{got[0], []string{`"fmt"`, "func main() {\n//line README.md:3:1\nfmt.Println(id)"}, []string{"http.HandleFunc"}, true},
		{got[1], []string{`"net/http"`, "func(w http.ResponseWriter, r *http.Request)", "_ = tok", "_ = err"}, []string{`"fmt"`}, true},
		{got[2], []string{"//line README.md:12:1\npackage main"}, []string{"func main"}, false},
	}
	for _, tt := range tests {
		files, err := tt.s.program(t, "README.md")
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(files["main.go"], w) {
				t.Errorf("program(line %d) lacks %q:\n%s", tt.s.line, w, files["main.go"])
			}
		}
		for _, w := range tt.wantNot {
			if strings.Contains(files["main.go"], w) {
				t.Errorf("program(line %d) has %q:\n%s", tt.s.line, w, files["main.go"])
			}
		}
		if _, ok := files["prelude.go"]; ok != tt.wantPrelude {
			t.Errorf("program(line %d) prelude = %t; want %t", tt.s.line, ok, tt.wantPrelude)
		}
	}
}

// readmeRuns lists the snippets that must also run as written: the first
// line of each, and the Example function ("dir/file.go:Name") whose body
// holds every statement of the snippet, line for line and in order, with
// the givens set up from oauthtest and error checks in between. go test
// runs the example against its // Output: comment.
var readmeRuns = map[string]string{
	"p, err := oidc.NewProvider(ctx, issuer, oidc.ProviderConfig{}) // issuer: \"https://accounts.google.com\", ...": "oidc/example_test.go:ExampleProvider_Config",
}

// TestREADME_snippetsRun checks that the examples of readmeRuns hold
// their snippets.
func TestREADME_snippetsRun(t *testing.T) {
	t.Parallel()
	checkSnippetsRun(t, "README.md", readmeRuns)
}

// checkSnippetsRun checks that the examples of runs (a snippet's first
// line to "file:Example") hold the snippets of the Markdown file they
// name, line for line and in order.
func checkSnippetsRun(t *testing.T, file string, runs map[string]string) {
	t.Helper()
	md, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, s := range goSnippets(t, md) {
		first, _, _ := strings.Cut(s.code, "\n")
		where, ok := runs[first]
		if !ok {
			continue
		}
		found[first] = true
		exFile, fn, _ := strings.Cut(where, ":")
		body := funcBody(t, exFile, fn)
		if missing := missingLines(s.code, body); missing != "" {
			t.Errorf("%s:%d: %s does not run this line of the snippet (or not in order):\n\t%s", file, s.line, where, missing)
		}
	}
	for first, where := range runs {
		if !found[first] {
			t.Errorf("%s: no snippet starts with %q (for %s)", file, first, where)
		}
	}
}

// funcBody returns the source of function name's body in file.
func funcBody(t *testing.T, file, name string) string {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == name && fn.Body != nil {
			return string(src[fset.Position(fn.Body.Pos()).Offset:fset.Position(fn.Body.End()).Offset])
		}
	}
	t.Fatalf("%s has no function %s", file, name)
	return ""
}

// missingLines returns the first line of snippet (comments and blank
// lines aside, spacing normalized) that body does not hold after the
// lines before it, or "".
func missingLines(snippet, body string) string {
	norm := func(line string) string {
		if i := strings.Index(line, " //"); i >= 0 {
			line = line[:i]
		}
		if strings.HasPrefix(strings.TrimSpace(line), "//") {
			return ""
		}
		return strings.Join(strings.Fields(line), " ")
	}
	var have []string
	for line := range strings.Lines(body) {
		if l := norm(line); l != "" {
			have = append(have, l)
		}
	}
	for line := range strings.Lines(snippet) {
		l := norm(line)
		if l == "" {
			continue
		}
		i := slices.Index(have, l)
		if i < 0 {
			return strings.TrimSpace(line)
		}
		have = have[i+1:]
	}
	return ""
}
