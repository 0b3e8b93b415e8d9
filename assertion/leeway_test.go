package assertion

import (
	"sync"
	"testing"
	"time"
)

func TestNewSession_leewayAndJTI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		leeway     time.Duration
		claims     map[string]any
		wantFetchs int // after 55 minutes of a one-hour token
		wantJTI    string
	}{
		{name: "default leeway", wantFetchs: 1},
		{name: "ten minutes", leeway: 10 * time.Minute, wantFetchs: 2},
		{name: "given jti kept", claims: map[string]any{"jti": "j-1"}, leeway: 10 * time.Minute, wantFetchs: 2, wantJTI: "j-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := newTokenServer(t, testKey(), 3600)
			now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
			var mu sync.Mutex
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			s, err := NewSession(Config{TokenURL: ts.URL + "/token", Issuer: "svc@example.com", Key: testKey(),
				Leeway: tt.leeway, Claims: tt.claims, Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range []time.Duration{0, 55 * time.Minute} {
				mu.Lock()
				now = now.Add(d)
				mu.Unlock()
				resp, err := s.Get(t.Context(), ts.URL+"/resource")
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			}
			ts.mu.Lock()
			defer ts.mu.Unlock()
			if len(ts.forms) != tt.wantFetchs {
				t.Errorf("token requests = %d, want %d", len(ts.forms), tt.wantFetchs)
			}
			for _, c := range ts.claims {
				if tt.wantJTI != "" && c["jti"] != tt.wantJTI {
					t.Errorf("jti = %v, want %q", c["jti"], tt.wantJTI)
				}
			}
		})
	}
}
