package oauthkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestToken_JSONRoundTrip(t *testing.T) {
	t.Parallel()
	in := &Token{
		AccessToken: "at", TokenType: "Bearer", RefreshToken: "rt", ExpiresIn: 3600,
		ExpiresAt: time.Unix(1700000000, 0), Scope: "a b", IDToken: "idt",
		Extra: map[string]any{"custom": "x", "n": int64(7), "nested": map[string]any{"k": "v"}},
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out Token
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, &out); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func TestToken_UnmarshalJSON_numbersAsStrings(t *testing.T) {
	t.Parallel()
	var tok Token
	if err := json.Unmarshal([]byte(`{"access_token":"a","token_type":"bearer","expires_in":"3600","expires_at":"1700000000"}`), &tok); err != nil {
		t.Fatal(err)
	}
	if tok.ExpiresIn != 3600 || !tok.ExpiresAt.Equal(time.Unix(1700000000, 0)) {
		t.Errorf("got ExpiresIn=%d ExpiresAt=%v", tok.ExpiresIn, tok.ExpiresAt)
	}
	for _, bad := range []string{`{"access_token":1}`, `{"refresh_token":["r"]}`, `[1]`, `{"access_token":"a"`} {
		if err := json.Unmarshal([]byte(bad), &tok); err == nil {
			t.Errorf("Unmarshal(%s) = nil error, want error", bad)
		}
	}
}

// An extra number keeps its Go type across a save and a load: integral
// values are int64 however the server wrote them.
func TestToken_UnmarshalJSON_extraNumbers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want any
	}{
		{`7`, int64(7)},
		{`0e0`, int64(0)},
		{`1.0`, int64(1)},
		{`-2E3`, int64(-2000)},
		{`1.5`, 1.5},
		{`1e300`, 1e300},
		{`9.3e18`, 9.3e18},
	}
	for _, tt := range tests {
		var tok Token
		if err := json.Unmarshal([]byte(`{"access_token":"a","n":`+tt.in+`}`), &tok); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(tok)
		if err != nil {
			t.Fatal(err)
		}
		var again Token
		if err := json.Unmarshal(b, &again); err != nil {
			t.Fatal(err)
		}
		if tok.Extra["n"] != tt.want || again.Extra["n"] != tt.want {
			t.Errorf("n = %s: loaded %T(%v), reloaded from %s %T(%v); want %T(%v)",
				tt.in, tok.Extra["n"], tok.Extra["n"], b, again.Extra["n"], again.Extra["n"], tt.want, tt.want)
		}
	}
}

func TestToken_Expired(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	tests := []struct {
		name   string
		tok    *Token
		leeway time.Duration
		want   bool
	}{
		{"nil", nil, 0, true},
		{"no expiry", &Token{AccessToken: "a"}, time.Hour, false},
		{"future", &Token{ExpiresAt: now.Add(2 * time.Minute)}, time.Minute, false},
		{"within leeway", &Token{ExpiresAt: now.Add(30 * time.Second)}, time.Minute, true},
		{"zero leeway future", &Token{ExpiresAt: now.Add(time.Second)}, 0, false},
		{"exactly now", &Token{ExpiresAt: now}, 0, true},
		{"past", &Token{ExpiresAt: now.Add(-time.Second)}, 0, true},
	}
	for _, tt := range tests {
		if got := tt.tok.Expired(now, tt.leeway); got != tt.want {
			t.Errorf("%s: Expired = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestToken_String_redactsSecrets(t *testing.T) {
	t.Parallel()
	tok := &Token{AccessToken: "SECRET-AT", RefreshToken: "SECRET-RT", IDToken: "SECRET-IDT", TokenType: "Bearer", Scope: "s"}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("t", "ptr", tok, "val", *tok)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("t", "ptr", tok, "val", *tok)
	outs := []string{
		tok.String(), tok.GoString(),
		fmt.Sprintf("%v %+v %#v %s", tok, tok, tok, tok),
		fmt.Sprintf("%v %+v %#v", *tok, *tok, *tok),
		buf.String(),
		TokenUpdate{Token: tok, OldRefreshToken: "SECRET-OLD"}.String(),
	}
	for _, out := range outs {
		if strings.Contains(out, "SECRET") {
			t.Errorf("output leaks a secret: %s", out)
		}
	}
	if !strings.Contains(tok.String(), "Bearer") {
		t.Errorf("String() = %q, want the token type", tok.String())
	}
}
