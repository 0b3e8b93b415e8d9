package jose

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRemoteKeySet_redirects(t *testing.T) {
	t.Parallel()
	b, err := KeySet{Keys: []*Key{ecKey("k1")}}.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	keys := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	}))
	t.Cleanup(keys.Close)
	tests := []struct {
		name, target string
		wantErr      string
	}{
		{name: "https to https is followed", target: keys.URL + "/jwks"},
		{name: "https to plain http is refused", target: "http://keys.invalid/jwks", wantErr: "redirect to http://keys.invalid/jwks refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			origin := httptest.NewTLSServer(http.RedirectHandler(tt.target, http.StatusFound))
			t.Cleanup(origin.Close)
			r, err := NewRemoteKeySet(RemoteKeySetConfig{URL: origin.URL, HTTPClient: origin.Client(), InsecureAllowHTTP: true})
			if err != nil {
				t.Fatal(err)
			}
			err = r.Refresh(t.Context())
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Refresh() = %v, want the keys behind the redirect", err)
				}
				return
			}
			if !errors.Is(err, ErrJWKSFetch) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Refresh() = %v, want a fetch error containing %q", err, tt.wantErr)
			}
		})
	}
}
