package oauthtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Patterns of the form post page of writeFormPost.
var (
	formAction = regexp.MustCompile(`<form method="post" action="([^"]*)">`)
	formInput  = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)
)

// formPostCallback reads the action and fields of a form post page.
func formPostCallback(page []byte) (string, bool) {
	m := formAction.FindSubmatch(page)
	if m == nil {
		return "", false
	}
	v := url.Values{}
	for _, in := range formInput.FindAllSubmatch(page, -1) {
		v.Add(html.UnescapeString(string(in[1])), html.UnescapeString(string(in[2])))
	}
	action := html.UnescapeString(string(m[1]))
	sep := "?"
	if strings.Contains(action, "?") {
		sep = "&"
	}
	return action + sep + v.Encode(), true
}

// Authorize plays the part of the user's browser: it sends the GET request
// of an authorization URL, as built by the client under test, and returns
// the Location the server redirects to without following it. That is the
// client's callback URL with code and state in its query, with the token in
// its fragment for response_type=token, or with error=... when the request
// was denied or invalid in a way the client must hear about.
//
// For the form_post response modes, whose answer is a page that makes the
// browser POST the response to the client, it returns the redirect URI with
// the posted fields as its query: the callback URL a form_post handler
// rebuilds from the form it receives.
//
// It returns an error when the server does not redirect, which RFC 6749
// §4.1.2.1 requires for an unknown client or a wrong redirect URI. The
// request uses ctx and the server's [Server.Client].
func (s *Server) Authorize(ctx context.Context, authURL string) (callbackURL string, err error) {
	hc := *s.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authURL, nil)
	if err != nil {
		return "", fmt.Errorf("oauthtest: authorization URL: %w", err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("oauthtest: authorization request: %w", err)
	}
	defer resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 && loc != "" {
		return loc, nil
	}
	if resp.StatusCode == http.StatusOK && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		page, _ := io.ReadAll(io.LimitReader(resp.Body, maxRequestBody))
		if cb, ok := formPostCallback(page); ok {
			return cb, nil
		}
		return "", errors.New("oauthtest: authorization endpoint answered an HTML page that is not a form post")
	}
	var body struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	_ = json.NewDecoder(io.LimitReader(resp.Body, maxRequestBody)).Decode(&body)
	if body.Error == "" {
		return "", fmt.Errorf("oauthtest: authorization endpoint answered HTTP %d without redirect", resp.StatusCode)
	}
	return "", fmt.Errorf("oauthtest: authorization endpoint answered HTTP %d: %q %q",
		resp.StatusCode, body.Error, body.Description)
}
