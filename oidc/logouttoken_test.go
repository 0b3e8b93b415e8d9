package oidc

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
)

// logoutClaimsAt returns valid logout token claims at testNow.
func logoutClaimsAt() map[string]any {
	return map[string]any{
		"iss": testIssuer, "aud": testClientID, "iat": testNow.Add(-time.Second).Unix(),
		"exp": testNow.Add(2 * time.Minute).Unix(), "jti": "jti-1", "sub": "user-1", "sid": "sid-1",
		"events": map[string]any{BackChannelLogoutEvent: map[string]any{}},
	}
}

func signLogout(t *testing.T, claims map[string]any) string {
	t.Helper()
	tok, err := jose.Sign(testES256(), "", map[string]any{"typ": "logout+jwt"}, claims)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func newLogoutVerifier() *LogoutTokenVerifier {
	return NewLogoutTokenVerifier(testIssuer, testClientID, publicSet(testES256()), LogoutTokenConfig{Algorithms: []string{jose.ES256}, Now: fixedNow})
}

func TestLogoutTokenVerifier_Verify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		token   func(t *testing.T) string
		wantErr error
	}{
		{name: "valid", token: func(t *testing.T) string { return signLogout(t, logoutClaimsAt()) }},
		{name: "sid only", token: func(t *testing.T) string { return signLogout(t, with(logoutClaimsAt(), map[string]any{"sub": nil})) }},
		{name: "sub only, no exp, recent", token: func(t *testing.T) string {
			return signLogout(t, with(logoutClaimsAt(), map[string]any{"sid": nil, "exp": nil}))
		}},
		{name: "nonce", token: func(t *testing.T) string { return signLogout(t, with(logoutClaimsAt(), map[string]any{"nonce": "n"})) }, wantErr: ErrInvalidLogoutToken},
		{name: "null nonce", token: func(t *testing.T) string {
			return signLogout(t, with(logoutClaimsAt(), map[string]any{"nonce": json.RawMessage("null")}))
		}, wantErr: ErrInvalidLogoutToken},
		{name: "too old with a distant exp", token: func(t *testing.T) string {
			return signLogout(t, with(logoutClaimsAt(), map[string]any{"iat": testNow.Add(-time.Hour).Unix(), "exp": testNow.Add(time.Hour).Unix()}))
		}, wantErr: ErrInvalidLogoutToken},
		{name: "no events", token: func(t *testing.T) string { return signLogout(t, with(logoutClaimsAt(), map[string]any{"events": nil})) }, wantErr: ErrInvalidLogoutToken},
		{name: "other event", token: func(t *testing.T) string {
			return signLogout(t, with(logoutClaimsAt(), map[string]any{"events": map[string]any{"urn:other": map[string]any{}}}))
		}, wantErr: ErrInvalidLogoutToken},
		{name: "event not an object", token: func(t *testing.T) string {
			return signLogout(t, with(logoutClaimsAt(), map[string]any{"events": map[string]any{BackChannelLogoutEvent: "yes"}}))
		}, wantErr: ErrInvalidLogoutToken},
		{name: "neither sub nor sid", token: func(t *testing.T) string {
			return signLogout(t, with(logoutClaimsAt(), map[string]any{"sub": nil, "sid": nil}))
		}, wantErr: ErrMissingClaim},
		{name: "no jti", token: func(t *testing.T) string { return signLogout(t, with(logoutClaimsAt(), map[string]any{"jti": nil})) }, wantErr: ErrMissingClaim},
		{name: "no iat", token: func(t *testing.T) string { return signLogout(t, with(logoutClaimsAt(), map[string]any{"iat": nil})) }, wantErr: ErrMissingClaim},
		{name: "other audience", token: func(t *testing.T) string {
			return signLogout(t, with(logoutClaimsAt(), map[string]any{"aud": "other"}))
		}, wantErr: ErrInvalidAudience},
		{name: "other issuer", token: func(t *testing.T) string {
			return signLogout(t, with(logoutClaimsAt(), map[string]any{"iss": "https://evil.example"}))
		}, wantErr: ErrInvalidIssuer},
		{name: "expired", token: func(t *testing.T) string {
			return signLogout(t, with(logoutClaimsAt(), map[string]any{"exp": testNow.Add(-2 * time.Minute).Unix()}))
		}, wantErr: ErrInvalidLogoutToken},
		{name: "too old without exp", token: func(t *testing.T) string {
			return signLogout(t, with(logoutClaimsAt(), map[string]any{"exp": nil, "iat": testNow.Add(-time.Hour).Unix()}))
		}, wantErr: ErrInvalidLogoutToken},
		{name: "issued in the future", token: func(t *testing.T) string {
			return signLogout(t, with(logoutClaimsAt(), map[string]any{"iat": testNow.Add(time.Hour).Unix()}))
		}, wantErr: ErrInvalidLogoutToken},
		{name: "typ with media type prefix", token: func(t *testing.T) string {
			tok, _ := jose.Sign(testES256(), "", map[string]any{"typ": "application/Logout+JWT"}, logoutClaimsAt())
			return tok
		}},
		{name: "generic typ", token: func(t *testing.T) string {
			tok, _ := jose.Sign(testES256(), "", map[string]any{"typ": "JWT"}, logoutClaimsAt())
			return tok
		}},
		{name: "id token typ", token: func(t *testing.T) string {
			tok, _ := jose.Sign(testES256(), "", map[string]any{"typ": "id_token+jwt"}, logoutClaimsAt())
			return tok
		}, wantErr: ErrInvalidLogoutToken},
		{name: "other key", token: func(t *testing.T) string { return sign(t, testES256b(), logoutClaimsAt()) }, wantErr: ErrInvalidSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			lt, err := newLogoutVerifier().Verify(t.Context(), tt.token(t))
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("Verify = %v; want %v", err, tt.wantErr)
			}
			if err == nil && (lt.Issuer != testIssuer || (lt.Subject == "" && lt.SessionID == "") || lt.ID != "jti-1") {
				t.Errorf("Verify = %+v; want the token's claims", lt)
			}
		})
	}
}

func TestLogoutTokenVerifier_replay(t *testing.T) {
	t.Parallel()
	v := newLogoutVerifier()
	tok := signLogout(t, logoutClaimsAt())
	if _, err := v.Verify(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(t.Context(), tok); !errors.Is(err, ErrLogoutTokenReplayed) {
		t.Errorf("second Verify = %v; want ErrLogoutTokenReplayed", err)
	}
	// A token refused for another reason does not use up its jti.
	bad := signLogout(t, with(logoutClaimsAt(), map[string]any{"jti": "jti-2", "aud": "other"}))
	if _, err := v.Verify(t.Context(), bad); !errors.Is(err, ErrInvalidAudience) {
		t.Fatal(err)
	}
	if _, err := v.Verify(t.Context(), signLogout(t, with(logoutClaimsAt(), map[string]any{"jti": "jti-2"}))); err != nil {
		t.Errorf("Verify of a jti first seen on a refused token = %v", err)
	}
}

// recordingReplay is a ReplayCache that remembers the expiry it is given.
type recordingReplay struct {
	mu     sync.Mutex // guards expiry
	expiry []time.Time
}

func (r *recordingReplay) Use(_ context.Context, _ string, expiry time.Time) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.expiry = append(r.expiry, expiry)
	return true, nil
}

// TestLogoutTokenVerifier_replayBounded: however distant a token's exp,
// its jti is kept no longer than MaxAge after its iat (plus the leeway),
// so the replay cache holds only what the provider sent recently.
func TestLogoutTokenVerifier_replayBounded(t *testing.T) {
	t.Parallel()
	rec := &recordingReplay{}
	v := NewLogoutTokenVerifier(testIssuer, testClientID, publicSet(testES256()),
		LogoutTokenConfig{Algorithms: []string{jose.ES256}, Now: fixedNow, MaxAge: time.Minute, Leeway: -1, Replay: rec})
	iat := testNow.Add(-time.Second)
	for _, exp := range []time.Time{testNow.Add(30 * time.Second), testNow.Add(365 * 24 * time.Hour), {}} {
		claims := with(logoutClaimsAt(), map[string]any{"iat": iat.Unix(), "exp": nil})
		if !exp.IsZero() {
			claims["exp"] = exp.Unix()
		}
		if _, err := v.Verify(t.Context(), signLogout(t, claims)); err != nil {
			t.Fatalf("exp %v: %v", exp, err)
		}
		want := iat.Add(time.Minute)
		if !exp.IsZero() && exp.Before(want) {
			want = exp
		}
		if got := rec.expiry[len(rec.expiry)-1]; !got.Equal(want) {
			t.Errorf("exp %v: jti kept until %v; want %v", exp, got, want)
		}
	}
}

// TestLogoutTokenVerifier_replayConcurrent: of many concurrent deliveries
// of one token, exactly one is accepted.
func TestLogoutTokenVerifier_replayConcurrent(t *testing.T) {
	t.Parallel()
	v := newLogoutVerifier()
	tok := signLogout(t, logoutClaimsAt())
	var wg sync.WaitGroup
	var accepted, replayed atomic.Int32
	for range 32 {
		wg.Go(func() {
			switch _, err := v.Verify(t.Context(), tok); {
			case err == nil:
				accepted.Add(1)
			case errors.Is(err, ErrLogoutTokenReplayed):
				replayed.Add(1)
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if accepted.Load() != 1 || replayed.Load() != 31 {
		t.Errorf("accepted %d, replayed %d; want 1 and 31", accepted.Load(), replayed.Load())
	}
}

func TestBackChannelLogoutHandler(t *testing.T) {
	t.Parallel()
	var got []*LogoutToken
	fail := errors.New("no such session")
	h := NewBackChannelLogoutHandler(newLogoutVerifier(), func(_ context.Context, lt *LogoutToken) error {
		if lt.SessionID == "unknown" {
			return fail
		}
		got = append(got, lt)
		return nil
	})
	tests := []struct {
		name   string
		method string
		ct     string
		body   string
		want   int
	}{
		{name: "valid", body: url.Values{"logout_token": {signLogout(t, logoutClaimsAt())}}.Encode(), want: 200},
		{name: "replayed", body: url.Values{"logout_token": {signLogout(t, logoutClaimsAt())}}.Encode(), want: 400},
		{name: "logout fails", body: url.Values{"logout_token": {signLogout(t, with(logoutClaimsAt(), map[string]any{"jti": "j3", "sid": "unknown"}))}}.Encode(), want: 400},
		{name: "GET", method: http.MethodGet, want: 405},
		{name: "json body", ct: "application/json", body: `{"logout_token":"x"}`, want: 400},
		{name: "no token", body: "a=b", want: 400},
		{name: "two tokens", body: "logout_token=a&logout_token=b", want: 400},
		{name: "garbage token", body: "logout_token=abc", want: 400},
		{name: "huge body", body: "logout_token=" + strings.Repeat("a", 70<<10), want: 400},
	}
	for _, tt := range tests { // in order: the replay case needs the first
		req := httptest.NewRequestWithContext(t.Context(), cmp.Or(tt.method, http.MethodPost), "/logout", strings.NewReader(tt.body))
		req.Header.Set("Content-Type", cmp.Or(tt.ct, "application/x-www-form-urlencoded"))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.want || rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("%s: status %d, Cache-Control %q; want %d and no-store", tt.name, rec.Code, rec.Header().Get("Cache-Control"), tt.want)
		}
		if b, _ := io.ReadAll(rec.Body); tt.want == 400 && !strings.Contains(string(b), `"error":"invalid_request"`) {
			t.Errorf("%s: body %s; want an error object", tt.name, b)
		}
	}
	if len(got) != 1 || got[0].SessionID != "sid-1" || got[0].Subject != "user-1" {
		t.Errorf("logout calls = %v; want one for sid-1", got)
	}
}

func TestParseFrontChannelLogout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		query   string
		require bool
		want    FrontChannelLogout
		wantErr error
	}{
		{name: "both", query: "iss=" + url.QueryEscape(testIssuer) + "&sid=s1", require: true, want: FrontChannelLogout{testIssuer, "s1"}},
		{name: "none, not required", query: ""},
		{name: "none, required", query: "", require: true, wantErr: ErrMissingClaim},
		{name: "other issuer", query: "iss=https%3A%2F%2Fevil.example&sid=s1", wantErr: ErrInvalidIssuer},
		{name: "repeated", query: "sid=a&sid=b", wantErr: ErrMalformedClaims},
		{name: "sid without iss", query: "sid=s1", wantErr: ErrMissingClaim},
		{name: "iss without sid", query: "iss=" + url.QueryEscape(testIssuer), wantErr: ErrMissingClaim},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, "/fc?"+tt.query, nil)
			got, err := ParseFrontChannelLogout(r, testIssuer, tt.require)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("ParseFrontChannelLogout = %v; want %v", err, tt.wantErr)
			}
			if err == nil && *got != tt.want {
				t.Errorf("ParseFrontChannelLogout = %+v; want %+v", *got, tt.want)
			}
		})
	}
}

func TestCheckLogoutReturn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url, state string
		ok         bool
	}{
		{"https://app.example/bye?state=s1", "s1", true},
		{"/bye?state=s1", "s1", true},
		{"https://app.example/bye?state=s2", "s1", false},
		{"https://app.example/bye", "s1", false},
		{"https://app.example/bye?state=s1&state=s1", "s1", false},
		{"https://app.example/bye?state=", "", false},
	}
	for _, tt := range tests {
		err := CheckLogoutReturn(tt.url, tt.state)
		if tt.ok != (err == nil) || (!tt.ok && !errors.Is(err, oauthkit.ErrStateMismatch)) {
			t.Errorf("CheckLogoutReturn(%q, %q) = %v; want ok %v", tt.url, tt.state, err, tt.ok)
		}
	}
}
