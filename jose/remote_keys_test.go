package jose

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestRemoteKeySet_Keys_includesEncryptionKeys(t *testing.T) {
	t.Parallel()
	sig := newTestKey(t, testP256(), "sig", ES256).Public()
	enc := mustEncKey(t, testP256(), "enc", "").Public()
	body, err := json.Marshal(KeySet{Keys: []*Key{sig, enc}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	rks, err := NewRemoteKeySet(RemoteKeySetConfig{URL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := rks.Keys(t.Context())
	if err != nil {
		t.Fatalf("Keys: %v", err)
	}
	if got, err := SelectEncryptionKey(keys, nil); err != nil || got.KeyID != "enc" {
		t.Errorf("SelectEncryptionKey(Keys()) = %v, %v; want the enc key", got, err)
	}
	srv.CloseClientConnections()
}
