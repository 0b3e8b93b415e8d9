package jose

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

type panicTransport struct{}

func (panicTransport) RoundTrip(*http.Request) (*http.Response, error) { panic("transport failed") }

// TestRemoteKeySet_panicInClient: the fetch runs in a goroutine of its
// own, which no caller's recover reaches; a panic in the HTTP client is
// an error for the waiting callers, and the set fetches again afterwards.
func TestRemoteKeySet_panicInClient(t *testing.T) {
	t.Parallel()
	r, err := NewRemoteKeySet(RemoteKeySetConfig{URL: "https://keys.example/jwks",
		HTTPClient: &http.Client{Transport: panicTransport{}}, MinRefreshInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		err := r.Refresh(t.Context())
		var fe *FetchError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), "transport failed") {
			t.Fatalf("Refresh = %v; want a *FetchError naming the panic", err)
		}
	}
}
