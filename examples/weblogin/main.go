// Command weblogin is an example web app that logs users in with
// oauthkit's web package: a home page with "Log in with ...", a profile
// page showing the user's claims, and logout (RP-Initiated Logout when
// the provider supports it). The app's own session is a sealed cookie
// holding the user and the token, renewed through OnTokenUpdate.
//
// By default it starts an embedded oauthtest provider with a login page
// (user alice, password wonderland):
//
//	go run ./examples/weblogin
//
// or logs in with any OpenID Connect provider (register the redirect URI
// BASE/callback/NAME and the post-logout URI BASE/logout/return):
//
//	go run ./examples/weblogin -issuer https://accounts.example.com \
//		-client-id ID -client-secret SECRET -addr 127.0.0.1:8080
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/web"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// options are the command-line flags.
type options struct {
	addr, baseURL                string
	issuer, name                 string
	clientID, clientSecret       string
	scopes, responseMode, keyHex string
	insecureAllowHTTP            bool
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("weblogin", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on (port 0: any free port)")
	fs.StringVar(&o.baseURL, "base-url", "", "the app's external URL (default http://ADDR)")
	fs.StringVar(&o.issuer, "issuer", "", "OpenID Connect issuer (default: an embedded oauthtest provider)")
	fs.StringVar(&o.name, "name", "", "provider name in URLs (default: oauthtest, or the issuer's host)")
	fs.StringVar(&o.clientID, "client-id", "", "client ID registered with the issuer")
	fs.StringVar(&o.clientSecret, "client-secret", "", "client secret (empty for a public client)")
	fs.StringVar(&o.scopes, "scopes", "openid email profile", "scopes to request, space-separated")
	fs.StringVar(&o.responseMode, "response-mode", "", "query (default) or form_post")
	fs.StringVar(&o.keyHex, "key", "", "hex of 32 bytes sealing the cookies (default: random, sessions end on restart)")
	fs.BoolVar(&o.insecureAllowHTTP, "insecure-allow-http", false, "permit plain http to hosts that are not loopback")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.issuer != "" && o.clientID == "" {
		return nil, errors.New("-issuer needs -client-id")
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "weblogin:", err)
		return 2
	}
	if err := serve(ctx, o, stdout); err != nil {
		fmt.Fprintln(stderr, "weblogin:", err)
		return 1
	}
	return 0
}

// serve runs the app until ctx ends.
func serve(ctx context.Context, o *options, stdout io.Writer) error {
	key, err := sealingKey(o.keyHex)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	defer ln.Close()
	base := strings.TrimSuffix(o.baseURL, "/")
	if base == "" {
		base = "http://" + ln.Addr().String()
	}
	p, op := provider(o, base)
	if op != nil {
		defer op.Close()
		fmt.Fprintf(stdout, "weblogin: embedded provider %s (user alice, password wonderland)\n", op.URL)
	}
	a, err := newApp(ctx, appConfig{BaseURL: base, Providers: []web.Provider{p}, Key: key, InsecureAllowHTTP: o.insecureAllowHTTP})
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: a, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "weblogin: listening on %s\n", base)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// provider returns the provider to register: the issuer of the flags, or
// an embedded oauthtest server (returned too, to be closed).
func provider(o *options, base string) (web.Provider, *oauthtest.Server) {
	p := web.Provider{
		Name: o.name, Issuer: o.issuer, ClientID: o.clientID, ClientSecret: o.clientSecret,
		Scopes: strings.Fields(o.scopes), ResponseMode: o.responseMode, FetchUserInfo: true,
	}
	if o.issuer != "" {
		if p.Name == "" {
			p.Name = hostName(o.issuer)
		}
		return p, nil
	}
	p.Name = "oauthtest"
	op := oauthtest.NewUnstartedServer()
	op.LoginPage = true
	op.AccessTokenTTL = 2 * time.Minute // so that the profile page shows a renewal soon
	op.RotateRefreshTokens = true
	op.Start()
	c := op.RegisterClient(oauthtest.Client{
		RedirectURIs:           []string{base + "/callback/" + p.Name},
		PostLogoutRedirectURIs: []string{base + "/logout/return"},
	})
	p.Issuer, p.ClientID, p.ClientSecret = op.URL, c.ID, c.Secret
	return p, op
}

// hostName makes a provider name of an issuer's host.
func hostName(issuer string) string {
	h := strings.TrimPrefix(strings.TrimPrefix(issuer, "https://"), "http://")
	h, _, _ = strings.Cut(h, "/")
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, h)
}

// sealingKey decodes the -key flag, or makes a random key.
func sealingKey(h string) ([]byte, error) {
	if h == "" {
		k := make([]byte, 32)
		rand.Read(k)
		return k, nil
	}
	k, err := hex.DecodeString(h)
	if err != nil || len(k) < 16 {
		return nil, errors.New("-key must be the hex of at least 16 bytes")
	}
	return k, nil
}
