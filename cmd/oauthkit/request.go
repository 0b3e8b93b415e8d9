package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/spf13/cobra"
)

type requestFlags struct {
	method  string
	data    string
	headers []string
	include bool
}

const requestLong = `request sends an HTTP request with the profile's access token and writes
the response body to stdout (the status line goes to stderr). The token is
refreshed first when due, and the new token is saved.

-d @FILE reads the body from a file (up to 16 MiB), -d @- from stdin. The
exit code is 0 for a 2xx or 3xx answer, 2 for 401 and 403, and 5 for any
other error status; the body is written either way.`

const requestExample = `  # GitHub
  oauthkit request -p gh https://api.github.com/user | jq .login
  oauthkit request -p gh -X POST -H 'Accept: application/vnd.github+json' \
    -d '{"title":"Found a bug"}' https://api.github.com/repos/OWNER/REPO/issues

  # Google
  oauthkit request -p google https://openidconnect.googleapis.com/v1/userinfo

  # Okta or Keycloak: an API of your own that accepts their tokens
  oauthkit request -p okta -i https://api.example.com/me
  oauthkit request -p kc -X DELETE https://api.example.com/orders/42

  # A client-credentials service, body from a file
  oauthkit request -p svc -X POST -H 'Content-Type: application/json' \
    -d @report.json https://api.example.com/reports`

func (a *app) newRequestCmd() *cobra.Command {
	var cf *clientFlags
	rf := &requestFlags{}
	cmd := &cobra.Command{
		Use:     "request URL",
		Short:   "Send an authenticated request, refreshing the token when due",
		Long:    requestLong,
		Example: requestExample,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runRequest(cmd.Context(), cf, rf, args[0])
		},
	}
	cf = profileFlags(cmd)
	f := cmd.Flags()
	f.StringVarP(&rf.method, "request", "X", http.MethodGet, "HTTP method")
	f.StringVarP(&rf.data, "data", "d", "", "request body; @FILE reads a file, @- stdin")
	f.StringArrayVarP(&rf.headers, "header", "H", nil, "extra header 'Name: value' (repeatable)")
	f.BoolVarP(&rf.include, "include", "i", false, "write the response headers to stderr")
	return cmd
}

func (a *app) runRequest(ctx context.Context, cf *clientFlags, rf *requestFlags, url string) error {
	c, err := a.connect(ctx, cf)
	if err != nil {
		return err
	}
	if _, err := c.validToken(ctx); err != nil {
		return err
	}
	body, err := a.requestBody(rf.data)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, rf.method, url, body)
	if err != nil {
		return usageError{fmt.Errorf("building the request: %w", err)}
	}
	for _, h := range rf.headers {
		k, v, ok := strings.Cut(h, ":")
		if !ok {
			return usageError{fmt.Errorf("-H %q: want 'Name: value'", h)}
		}
		req.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	resp, err := c.s.Do(req)
	if err != nil {
		return tried(err, "%s %s", rf.method, url)
	}
	defer resp.Body.Close()
	return tried(a.printResponse(resp, rf.include), "%s %s", rf.method, url)
}

func (a *app) requestBody(data string) (io.Reader, error) {
	switch {
	case data == "":
		return nil, nil
	case data == "@-":
		return a.stdin, nil
	case strings.HasPrefix(data, "@"):
		b, err := readFlagFile("-d", data[1:])
		if err != nil {
			return nil, err
		}
		return strings.NewReader(string(b)), nil
	}
	return strings.NewReader(data), nil
}

// statusError is a protected resource's error status.
type statusError struct{ status int }

func (e statusError) Error() string {
	return fmt.Sprintf("the server answered HTTP %d %s", e.status, http.StatusText(e.status))
}

func (a *app) printResponse(resp *http.Response, include bool) error {
	fmt.Fprintf(a.stderr, "%s %s\n", resp.Proto, resp.Status)
	if include {
		_ = resp.Header.Write(a.stderr)
		fmt.Fprintln(a.stderr)
	}
	if _, err := io.Copy(a.stdout, resp.Body); err != nil {
		return tried(err, "reading the response")
	}
	if resp.StatusCode >= 400 {
		return statusError{resp.StatusCode}
	}
	return nil
}
