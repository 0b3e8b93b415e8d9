// Command oauthkit obtains, refreshes, revokes and inspects OAuth 2.0 and
// OpenID Connect tokens from the command line, and runs every flow of the
// oauthkit library against an embedded server with "oauthkit demo".
//
// Run "oauthkit help" for the commands, their flags and exit codes.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
