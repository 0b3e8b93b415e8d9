package testhttp

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestNoIdleDefaultConns checks the default transport keeps no connection
// that a server's Close could take from under a request: with it, every
// request through http.DefaultClient gets a new connection.
func TestNoIdleDefaultConns(t *testing.T) {
	NoIdleDefaultConns()
	var mu sync.Mutex
	conns := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		conns[r.RemoteAddr] = true
		mu.Unlock()
	}))
	defer srv.Close()
	for range 3 {
		resp, err := http.Post(srv.URL, "text/plain", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if len(conns) != 3 {
		t.Errorf("connections for 3 requests = %d; want 3", len(conns))
	}
}
