package oauthkit_test

import "testing"

// docsPrelude declares what the fragments of the docs pages take as
// given, besides what readmePrelude declares.
const docsPrelude = `package main

import (
	"context"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/registration"
)

// Values and functions of the reader's application.
var idToken, initialAccessToken string

// s is the session a page's first snippet makes, for the later ones.
var s *oauthkit.Session

func waitForCallback(ctx context.Context) (string, error)         { return "", nil }
func endSessions(ctx context.Context, iss, sub, sid string) error { return nil }
func saveClient(c *registration.Client)                           {}
`

// docsRuns maps each docs page to the examples that run its snippets
// (a snippet's first line to "file:Example").
var docsRuns = map[string]map[string]string{
	"docs/pushed-authorization-requests.md": {
		"p, err := oidc.NewProvider(ctx, issuer, oidc.ProviderConfig{})": "oidc/example_frontchannel_test.go:ExampleProvider_Config_pushedAuthorization",
	},
	"docs/request-objects.md": {
		"p, err := oidc.NewProvider(ctx, issuer, oidc.ProviderConfig{})": "oidc/example_frontchannel_test.go:ExampleProvider_RequestObjectEncryptionKey",
	},
	"docs/jarm.md": {
		"p, err := oidc.NewProvider(ctx, issuer, oidc.ProviderConfig{})": "oidc/example_frontchannel_test.go:ExampleProvider_JARMVerifier",
	},
	"docs/logout.md": {
		"p, err := oidc.NewProvider(ctx, issuer, oidc.ProviderConfig{})": "oidc/backchannel_example_test.go:ExampleCheckLogoutReturn",
		"mux := http.NewServeMux()":                                      "oidc/backchannel_example_test.go:ExampleNewBackChannelLogoutHandler",
	},
	"docs/dpop.md":           {},
	"docs/mtls.md":           {},
	"docs/token-exchange.md": {},
	"docs/token-stores.md":   {}, // the interface, which compiles; the stores' examples run the rest
	"docs/registration.md": {
		"p, err := oidc.NewProvider(ctx, issuer, oidc.ProviderConfig{})": "registration/example_test.go:ExampleRegistrar_Register_provider",
	},
}

// TestDocs_snippets builds every Go snippet of the docs pages of docsRuns
// and checks that their examples run them.
func TestDocs_snippets(t *testing.T) {
	t.Parallel()
	for file, runs := range docsRuns {
		t.Run(file, func(t *testing.T) {
			t.Parallel()
			buildSnippets(t, file, map[string]string{"docs_prelude.go": docsPrelude})
			checkSnippetsRun(t, file, runs)
		})
	}
}
