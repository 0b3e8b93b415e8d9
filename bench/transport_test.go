package bench

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/oauthkit/oauthkit"
)

// accessToken is the token every authorizing transport sends.
const accessToken = "2YotnFZFEjr1zCsicMWpAA"

// cannedTransport answers every request with the same prebuilt response,
// without network. It keeps no state, so any number of goroutines may use
// it.
type cannedTransport struct {
	resp *http.Response
}

func newCannedTransport() *cannedTransport {
	return &cannedTransport{resp: &http.Response{
		StatusCode: http.StatusOK,
		Status:     "200 OK",
		Proto:      "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   http.NoBody,
	}}
}

func (c *cannedTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return c.resp, nil
}

// floorTransport is the least a correct authorizing transport does: clone
// the request, so the caller's is not modified, and set the header.
type floorTransport struct {
	authz string
	base  http.RoundTripper
}

func (f *floorTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	r2.Header.Set("Authorization", f.authz)
	return f.base.RoundTrip(r2)
}

// failingSource is the x/oauth2 source behind ReuseTokenSource when the
// token is valid: it must never be asked.
type failingSource struct{}

func (failingSource) Token() (*oauth2.Token, error) {
	return nil, errors.New("bench: token source called with a valid token")
}

// transportCase builds one authorizing transport over base.
type transportCase struct {
	name string
	new  func(tb testing.TB, base http.RoundTripper) http.RoundTripper
}

// transportCases are the transports compared, the bare base first.
var transportCases = []transportCase{
	{"base", func(_ testing.TB, base http.RoundTripper) http.RoundTripper { return base }},
	{"floor", func(_ testing.TB, base http.RoundTripper) http.RoundTripper {
		return &floorTransport{authz: "Bearer " + accessToken, base: base}
	}},
	{"oauthkit", newOauthkitTransport},
	{"xoauth2", func(_ testing.TB, base http.RoundTripper) http.RoundTripper {
		tok := &oauth2.Token{AccessToken: accessToken, TokenType: "Bearer", Expiry: time.Now().Add(time.Hour)}
		return &oauth2.Transport{Source: oauth2.ReuseTokenSource(tok, failingSource{}), Base: base}
	}},
}

func newOauthkitTransport(tb testing.TB, base http.RoundTripper) http.RoundTripper {
	tb.Helper()
	s, err := oauthkit.NewSession(oauthkit.Config{
		ClientID: "bench", ClientSecret: "secret",
		TokenURL: "https://auth.example.com/token",
	})
	if err != nil {
		tb.Fatalf("NewSession: %v", err)
	}
	s.SetToken(&oauthkit.Token{AccessToken: accessToken, TokenType: "Bearer", ExpiresAt: time.Now().Add(time.Hour)})
	return &oauthkit.Transport{Session: s, Base: base}
}

// newAPIRequest is a typical call to a protected resource.
func newAPIRequest(tb testing.TB) *http.Request {
	tb.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, "https://api.example.com/v1/items?page=2", nil)
	if err != nil {
		tb.Fatalf("NewRequest: %v", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "bench/1.0")
	return req
}

// BenchmarkTransport measures what each transport adds to a request over
// the bare base: subtract base from the others.
func BenchmarkTransport(b *testing.B) {
	for _, tc := range transportCases {
		b.Run(tc.name, func(b *testing.B) {
			rt := tc.new(b, newCannedTransport())
			req := newAPIRequest(b)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := rt.RoundTrip(req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// recordingTransport keeps the requests it is given.
type recordingTransport struct {
	mu   sync.Mutex // guards reqs
	reqs []*http.Request
	cannedTransport
}

func (r *recordingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.mu.Unlock()
	return r.cannedTransport.RoundTrip(req)
}

// TestTransports checks that every compared transport does the same
// work: it authorizes a copy and leaves the caller's request alone.
func TestTransports(t *testing.T) {
	t.Parallel()
	for _, tc := range transportCases[1:] {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rec := &recordingTransport{cannedTransport: *newCannedTransport()}
			req := newAPIRequest(t)
			if _, err := tc.new(t, rec).RoundTrip(req); err != nil {
				t.Fatalf("RoundTrip: %v", err)
			}
			if len(rec.reqs) != 1 {
				t.Fatalf("base got %d requests; want 1", len(rec.reqs))
			}
			sent := rec.reqs[0]
			if got, want := sent.Header.Get("Authorization"), "Bearer "+accessToken; got != want {
				t.Errorf("sent Authorization = %q; want %q", got, want)
			}
			if got := sent.Header.Get("Accept"); got != "application/json" {
				t.Errorf("sent Accept = %q; want application/json", got)
			}
			if sent == req || req.Header.Get("Authorization") != "" {
				t.Error("caller's request was modified")
			}
		})
	}
}
