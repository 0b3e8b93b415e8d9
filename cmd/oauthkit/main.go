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
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		sig := <-sigs
		signal.Stop(sigs) // a second Ctrl-C ends the process at once
		cancel(interruption{sig})
	}()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
