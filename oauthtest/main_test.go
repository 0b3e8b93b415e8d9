package oauthtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/oauthkit/oauthkit/internal/testhttp"
	"github.com/oauthkit/oauthkit/oauthtest"
)

func TestMain(m *testing.M) {
	testhttp.NoIdleDefaultConns()
	goleak.VerifyTestMain(m)
}

// clock is a test clock for Server.Now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newServer starts a server after applying configure, and closes it when the
// test ends.
func newServer(t *testing.T, configure func(*oauthtest.Server)) *oauthtest.Server {
	t.Helper()
	srv := oauthtest.NewUnstartedServer()
	if configure != nil {
		configure(srv)
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// newClockServer starts a server whose clock the test controls.
func newClockServer(t *testing.T, configure func(*oauthtest.Server)) (*oauthtest.Server, *clock) {
	t.Helper()
	c := newClock()
	srv := newServer(t, func(s *oauthtest.Server) {
		s.Now = c.Now
		if configure != nil {
			configure(s)
		}
	})
	return srv, c
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func (r response) str(key string) string {
	s, _ := r.body[key].(string)
	return s
}

// do sends req with the server's client and decodes a JSON answer.
func do(t *testing.T, srv *oauthtest.Server, req *http.Request) response {
	t.Helper()
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	return decode(t, resp)
}

// decode reads an answer and decodes it when it is JSON.
func decode(t *testing.T, resp *http.Response) response {
	t.Helper()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	r := response{status: resp.StatusCode, header: resp.Header, raw: raw}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		// Faults may answer with malformed JSON; body then stays nil.
		_ = json.Unmarshal(raw, &r.body)
	}
	return r
}

// post sends a form to u, authenticated as c by c.AuthMethod.
func post(t *testing.T, srv *oauthtest.Server, u string, c oauthtest.Client, form url.Values) response {
	t.Helper()
	form = cloneForm(form)
	switch c.AuthMethod {
	case oauthtest.ClientSecretPost:
		form.Set("client_id", c.ID)
		form.Set("client_secret", c.Secret)
	case oauthtest.AuthNone:
		form.Set("client_id", c.ID)
	case oauthtest.ClientSecretURI:
		u += "?" + url.Values{"client_id": {c.ID}, "client_secret": {c.Secret}}.Encode()
	}
	req := newPost(t, u, form)
	if c.AuthMethod == "" || c.AuthMethod == oauthtest.ClientSecretBasic {
		req.SetBasicAuth(url.QueryEscape(c.ID), url.QueryEscape(c.Secret))
	}
	return do(t, srv, req)
}

func newPost(t *testing.T, u string, form url.Values) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

func cloneForm(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// wantError checks an RFC 6749 §5.2 error answer.
func wantError(t *testing.T, r response, status int, code string) {
	t.Helper()
	if r.status != status || r.str("error") != code {
		t.Fatalf("got HTTP %d %s; want HTTP %d error %q", r.status, short(r.raw), status, code)
	}
}

// wantToken checks a successful token answer.
func wantToken(t *testing.T, r response) {
	t.Helper()
	if r.status != http.StatusOK || r.str("access_token") == "" || r.str("token_type") != "Bearer" {
		t.Fatalf("got HTTP %d %s; want a token", r.status, short(r.raw))
	}
	if got := r.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("Cache-Control = %q; want no-store", got)
	}
}

// get sends a GET with a bearer token.
func get(t *testing.T, srv *oauthtest.Server, u, accessToken string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if accessToken != "" {
		req.Header.Set("Authorization", "Bearer "+accessToken)
	}
	return do(t, srv, req)
}

// clientCredentials fetches a token with the client_credentials grant.
func clientCredentials(t *testing.T, srv *oauthtest.Server, c oauthtest.Client, scope string) response {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}}
	if scope != "" {
		form.Set("scope", scope)
	}
	return post(t, srv, srv.TokenURL(), c, form)
}

// password fetches a token with the password grant as the default user.
func password(t *testing.T, srv *oauthtest.Server, c oauthtest.Client) response {
	t.Helper()
	return post(t, srv, srv.TokenURL(), c, url.Values{
		"grant_type": {"password"}, "username": {"alice"}, "password": {"wonderland"},
	})
}

// short bounds a body for failure messages.
func short(b []byte) string {
	if len(b) > 200 {
		return string(b[:200]) + "..."
	}
	return string(b)
}
