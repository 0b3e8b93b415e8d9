package xoauth2

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// TestSource_Client_redirect: like oauthkit.Transport, the source's client
// never hands the token to another origin a server redirects to.
func TestSource_Client_redirect(t *testing.T) {
	t.Parallel()
	var otherAuth, sameAuth atomic.Value
	other := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherAuth.Store(r.Header.Get("Authorization"))
	}))
	t.Cleanup(other.Close)
	origin := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, other.URL+"/x", http.StatusTemporaryRedirect)
		case "/here":
			http.Redirect(w, r, "/final", http.StatusTemporaryRedirect)
		default:
			sameAuth.Store(r.Header.Get("Authorization"))
		}
	}))
	t.Cleanup(origin.Close)
	c := FromTokenSource(&countingSource{}).Client(origin.Client())
	for _, path := range []string{"/away", "/here"} {
		resp, err := c.Get(origin.URL + path)
		if err != nil {
			t.Fatalf("Get %s: %v", path, err)
		}
		resp.Body.Close()
	}
	if got := otherAuth.Load(); got != "" {
		t.Errorf("another origin received Authorization %q after a redirect", got)
	}
	if got := sameAuth.Load(); got != "Bearer x-at" {
		t.Errorf("same-origin redirect: Authorization %q, want Bearer x-at", got)
	}
}
