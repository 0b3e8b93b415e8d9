package oauthkit

import (
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLoadToken_expiry(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	at := time.Unix(1_700_000_000, 0)
	for _, tt := range []struct {
		name      string
		m         map[string]any
		wantAt    time.Time
		wantIn    int64
		wantExtra map[string]any
	}{
		{"expires_in only", map[string]any{"expires_in": 3600}, now.Add(time.Hour), 3600, nil},
		{"expires_in as string", map[string]any{"expires_in": "3600"}, now.Add(time.Hour), 3600, nil},
		{"expires_in as json.Number", map[string]any{"expires_in": json.Number("60")}, now.Add(time.Minute), 60, nil},
		{"expires_at wins", map[string]any{"expires_at": int64(1_700_000_000), "expires_in": 3600}, at, 3600, nil},
		{"expires_at as float", map[string]any{"expires_at": 1.7e9}, at, 0, nil},
		{"expires_at as string", map[string]any{"expires_at": "1700000000"}, at, 0, nil},
		{"bad expires_at falls back", map[string]any{"expires_at": "soon", "expires_in": 60}, now.Add(time.Minute), 60, nil},
		{"bad expires_at, boolean", map[string]any{"expires_at": true, "expires_in": "10"}, now.Add(10 * time.Second), 10, nil},
		{"bad expires_at alone", map[string]any{"expires_at": "2026-01-01T00:00:00Z"}, time.Time{}, 0, map[string]any{"expires_at": "2026-01-01T00:00:00Z"}},
		{"bad expires_in alone", map[string]any{"expires_in": "an hour"}, time.Time{}, 0, map[string]any{"expires_in": "an hour"}},
		{"zero expires_at is expired", map[string]any{"expires_at": 0, "expires_in": 3600}, time.Unix(0, 0), 3600, nil},
		{"negative expires_at is expired", map[string]any{"expires_at": -5}, time.Unix(0, 0), 0, nil},
		{"nulls", map[string]any{"expires_at": nil, "expires_in": nil}, time.Time{}, 0, nil},
		{"neither", map[string]any{}, time.Time{}, 0, nil},
		{"huge expires_in clamped", map[string]any{"expires_in": int64(math.MaxInt64)}, now.Add(math.MaxInt32 * time.Second), math.MaxInt32, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := map[string]any{"access_token": "a", "token_type": "Bearer"}
			for k, v := range tt.m {
				m[k] = v
			}
			tok, err := loadToken(m, now)
			if err != nil {
				t.Fatalf("loadToken: %v", err)
			}
			if !tok.ExpiresAt.Equal(tt.wantAt) || tok.ExpiresAt.IsZero() != tt.wantAt.IsZero() {
				t.Errorf("ExpiresAt = %v, want %v", tok.ExpiresAt, tt.wantAt)
			}
			if tok.ExpiresIn != tt.wantIn {
				t.Errorf("ExpiresIn = %d, want %d", tok.ExpiresIn, tt.wantIn)
			}
			if diff := cmp.Diff(tt.wantExtra, tok.Extra); diff != "" {
				t.Errorf("Extra (-want +got):\n%s", diff)
			}
			if !tt.wantAt.IsZero() && tt.wantAt.Unix() <= 0 && tok.Valid(now) {
				t.Error("a token with expires_at <= 0 is valid")
			}
			// What was loaded survives a save and a load.
			b, err := json.Marshal(tok)
			if err != nil {
				t.Fatal(err)
			}
			var back Token
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("reloading %s: %v", b, err)
			}
			if !back.ExpiresAt.Equal(tok.ExpiresAt) || !cmp.Equal(back.Extra, tok.Extra) {
				t.Errorf("reloaded %s as %v, want %v", b, &back, tok)
			}
		})
	}
}

func TestTokenFromMap_authlib(t *testing.T) {
	t.Parallel()
	// An OAuth2Token as Authlib keeps it (a dict), decoded from its JSON.
	var dict map[string]any
	if err := json.Unmarshal([]byte(`{"access_token":"a","token_type":"Bearer","refresh_token":"r","scope":"openid email","expires_in":3600,"expires_at":1700000000,"id_token":"h.p.s","userid":7}`), &dict); err != nil {
		t.Fatal(err)
	}
	tok, err := TokenFromMap(dict)
	if err != nil {
		t.Fatal(err)
	}
	want := &Token{AccessToken: "a", TokenType: "Bearer", RefreshToken: "r", Scope: "openid email", ExpiresIn: 3600,
		ExpiresAt: time.Unix(1700000000, 0), IDToken: "h.p.s", Extra: map[string]any{"userid": float64(7)}}
	if diff := cmp.Diff(want, tok); diff != "" {
		t.Errorf("TokenFromMap (-want +got):\n%s", diff)
	}
	// Without expires_at, the load time counts.
	before := time.Now()
	tok, err = TokenFromMap(map[string]any{"access_token": "a", "expires_in": 60})
	if err != nil {
		t.Fatal(err)
	}
	if tok.ExpiresAt.Before(before.Add(time.Minute).Truncate(time.Second)) || tok.ExpiresAt.After(time.Now().Add(time.Minute)) {
		t.Errorf("ExpiresAt = %v, want a minute after loading", tok.ExpiresAt)
	}
	if _, err := TokenFromMap(map[string]any{"access_token": 1}); err == nil {
		t.Error("non-string access_token accepted")
	}
}

func TestToken_UnmarshalJSON_expiresInAtLoad(t *testing.T) {
	t.Parallel()
	before := time.Now()
	var tok Token
	if err := json.Unmarshal([]byte(`{"access_token":"a","token_type":"bearer","expires_in":120,"expires_at":"never"}`), &tok); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if tok.ExpiresAt.Before(before.Add(2*time.Minute).Truncate(time.Second)) || tok.ExpiresAt.After(time.Now().Add(2*time.Minute)) {
		t.Errorf("ExpiresAt = %v, want two minutes after loading", tok.ExpiresAt)
	}
}

func TestSession_SetToken_expiresIn(t *testing.T) {
	t.Parallel()
	rs := newRefreshServer(t)
	clk := newClock()
	s := mustSession(t, Config{TokenURL: rs.URL + "/token", Now: clk.Now})
	s.SetToken(&Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "rt1", ExpiresIn: 3600})
	if got, want := s.Token().ExpiresAt, clk.Now().Add(time.Hour); !got.Equal(want) {
		t.Errorf("ExpiresAt = %v, want %v", got, want)
	}
	clk.Add(time.Hour)
	if authz, err := get(t, s, rs); err != nil || authz != "Bearer new" {
		t.Errorf("request an hour later: %q, %v; want a refresh", authz, err)
	}
	// expires_at <= 0 in storage means expired, not "never expires".
	tok, err := TokenFromMap(map[string]any{"access_token": "stored", "token_type": "Bearer", "refresh_token": "rt1", "expires_at": 0})
	if err != nil {
		t.Fatal(err)
	}
	s.SetToken(tok)
	if authz, err := get(t, s, rs); err != nil || authz != "Bearer new" || rs.refreshes.Load() != 2 {
		t.Errorf("stored expired token: %q, %v, %d refreshes; want a refresh", authz, err, rs.refreshes.Load())
	}
}

func TestSession_leewayCap(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name        string
		leeway      time.Duration
		expiresIn   int
		after       time.Duration
		wantRefresh bool
	}{
		{"short token, fresh", 0, 30, 0, false},
		{"short token, before half", 0, 30, 14 * time.Second, false},
		{"short token, past half", 0, 30, 16 * time.Second, true},
		{"token shorter than leeway", 5 * time.Minute, 60, 29 * time.Second, false},
		{"long token keeps the leeway", 0, 3600, 3541 * time.Second, true},
		{"expires_in past 2^63 ns", 0, 9_300_000_000, 24 * time.Hour, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			clk := newClock()
			var tokens atomic.Int64
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/token" {
					tokens.Add(1)
					writeJSON(w, 200, map[string]any{"access_token": "at", "token_type": "Bearer", "refresh_token": "rt", "expires_in": tt.expiresIn})
				}
			})
			s := mustSession(t, Config{TokenURL: srv.URL + "/token", Now: clk.Now, Leeway: tt.leeway})
			if _, err := s.FetchToken(t.Context(), ClientCredentials()); err != nil {
				t.Fatal(err)
			}
			clk.Add(tt.after)
			for range 3 {
				resp, err := s.Get(t.Context(), srv.URL+"/api")
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
			}
			if got := tokens.Load() - 1; got != map[bool]int64{false: 0, true: 1}[tt.wantRefresh] {
				t.Errorf("refreshes = %d, want refresh=%v", got, tt.wantRefresh)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tt := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"3", 3 * time.Second},
		{" 120 ", 2 * time.Minute},
		{"-1", 0},
		{"soon", 0},
		{"86400", 24 * time.Hour},
		{"9223372037", maxRetryAfter}, // overflows a Duration
		{"18446744073709551616000", maxRetryAfter}, // overflows uint64
		{"Fri, 31 Dec 9999 23:59:59 GMT", maxRetryAfter},
		{"Fri, 02 Jan 2026 03:05:05 GMT", time.Minute},
		{"Thu, 01 Jan 2026 00:00:00 GMT", 0},
	} {
		if got := parseRetryAfter(tt.in, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestTransport_unsupportedTokenType(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		tokenType string
		wantErr   error
	}{
		{"Bearer", nil},
		{"bearer", nil},
		{"", nil},
		{"mac", ErrUnsupportedTokenType},
		{"DPoP", ErrUnsupportedTokenType},
		{"N_A", ErrUnsupportedTokenType},
	} {
		t.Run(tt.tokenType, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(http.ResponseWriter, *http.Request) {})
			s := mustSession(t, Config{})
			s.SetToken(&Token{AccessToken: "a", TokenType: tt.tokenType})
			resp, err := s.Get(t.Context(), srv.URL)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				if n := srv.count.Load(); n != 0 {
					t.Errorf("%d requests sent with an unsupported token type", n)
				}
				return
			}
			resp.Body.Close()
			if got := srv.last(t).Header.Get("Authorization"); got != "Bearer a" {
				t.Errorf("Authorization = %q", got)
			}
		})
	}
}
