package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestClaimTimes: a date is shown on the side of now it is on, however
// far away.
func TestClaimTimes(t *testing.T) {
	t.Parallel()
	now := time.Unix(1700000000, 0)
	tests := []struct {
		exp, want string
	}{
		{"1700003600", "(in 1h0m)"},
		{"1699996400", "(1h0m ago)"},
		{"1e300", "(in 106751d)"},
		{"9223372036854775807", "(in 106751d)"},
		{"-1e300", "(106751d ago)"},
		{"-9223372036854775808", "(106751d ago)"},
	}
	for _, tt := range tests {
		got := claimTimes(map[string]any{"exp": json.Number(tt.exp)}, now)["exp"]
		if !strings.HasSuffix(got, tt.want) {
			t.Errorf("exp %s shows as %q; want it to end in %q", tt.exp, got, tt.want)
		}
	}
}

// FuzzClaimTimes renders arbitrary NumericDate claims of a decoded JWT:
// a date after now reads "in ...", one before it "... ago", and no
// duration is negative.
func FuzzClaimTimes(f *testing.F) {
	for _, s := range []string{"1700003600", "0", "-1", "1.5", "1e300", "-1e300", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1e-300"} {
		f.Add(s)
	}
	now := time.Unix(1700000000, 0)
	f.Fuzz(func(t *testing.T, exp string) {
		var claims map[string]any
		dec := json.NewDecoder(strings.NewReader(`{"exp":` + exp + `}`))
		dec.UseNumber()
		if dec.Decode(&claims) != nil || dec.More() {
			return
		}
		n, ok := claims["exp"].(json.Number)
		if !ok {
			return
		}
		secs, err := n.Float64()
		got, shown := claimTimes(claims, now)["exp"]
		if err != nil {
			if shown {
				t.Fatalf("exp %s out of float range shows as %q", exp, got)
			}
			return
		}
		_, rel, _ := strings.Cut(got, " (")
		switch {
		case strings.Contains(rel, "-"):
			t.Fatalf("exp %s shows a negative duration: %q", exp, got)
		case secs > float64(now.Unix()+1) && !strings.HasPrefix(rel, "in "):
			t.Fatalf("exp %s, after now, shows as %q", exp, got)
		case secs < float64(now.Unix()-1) && !strings.HasSuffix(rel, " ago)"):
			t.Fatalf("exp %s, before now, shows as %q", exp, got)
		}
	})
}
