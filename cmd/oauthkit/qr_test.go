package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/skip2/go-qrcode"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

func TestQRLines(t *testing.T) {
	t.Parallel()
	dot := [][]bool{{true}}
	tests := []struct {
		name     string
		bits     [][]bool
		quiet    int
		lightInk bool
		want     []string
	}{
		{"dark ink", dot, 1, false, []string{" ▄ ", "   "}},
		{"light ink", dot, 1, true, []string{"█▀█", "▀▀▀"}},
		{"no quiet zone", [][]bool{{true, false}, {false, true}}, 0, false, []string{"▀▄"}},
		{"even rows", [][]bool{{true, true}, {true, true}}, 1, true, []string{"█▀▀█", "█▄▄█"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := qrLines(tt.bits, tt.quiet, tt.lightInk)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("qrLines(%v, %d, %v) mismatch (-want +got):\n%s", tt.bits, tt.quiet, tt.lightInk, diff)
			}
		})
	}
}

func TestWriteQR_golden(t *testing.T) {
	t.Parallel()
	const uri = "https://sso.example.com/device?user_code=WDJB-MJHT"
	var b bytes.Buffer
	if err := writeQR(&b, uri, false); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "qr.golden")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("writeQR(%q) mismatch (-want +got):\n%s", uri, diff)
	}
}

// decodeQR turns writeQR's uncoloured output back into modules (true for
// dark), without the quiet zone.
func decodeQR(t *testing.T, out string, quiet int) [][]bool {
	t.Helper()
	halves := map[rune][2]bool{' ': {}, '▄': {false, true}, '▀': {true, false}, '█': {true, true}}
	var rows [][]bool
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		top, bottom := []bool{}, []bool{}
		for _, r := range line {
			h, ok := halves[r]
			if !ok {
				t.Fatalf("unexpected character %q in %q", r, line)
			}
			// Without colour the light modules are drawn.
			top, bottom = append(top, !h[0]), append(bottom, !h[1])
		}
		rows = append(rows, top, bottom)
	}
	size := len(rows[0])
	rows = rows[:size] // the blank half line below an odd number of rows
	for y, row := range rows {
		for x, dark := range row {
			inZone := y < quiet || y >= size-quiet || x < quiet || x >= size-quiet
			if inZone && dark {
				t.Fatalf("module (%d, %d) of the quiet zone is dark", x, y)
			}
		}
	}
	var bits [][]bool
	for _, row := range rows[quiet : size-quiet] {
		bits = append(bits, row[quiet:size-quiet])
	}
	return bits
}

func TestWriteQR_sizeAndModules(t *testing.T) {
	t.Parallel()
	for _, uri := range []string{
		"https://github.com/login/device",
		"https://sso.example.com/realms/main/device?user_code=WDJB-MJHT",
		"https://microsoft.com/devicelogin?otc=" + strings.Repeat("A", 100),
	} {
		var b bytes.Buffer
		if err := writeQR(&b, uri, false); err != nil {
			t.Fatal(err)
		}
		q, err := qrcode.New(uri, qrcode.Low)
		if err != nil {
			t.Fatal(err)
		}
		q.DisableBorder = true
		want := q.Bitmap()
		size := len(want) + 2*qrQuietZone
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		if len(lines) != (size+1)/2 {
			t.Errorf("%q: %d lines, want %d for %d modules", uri, len(lines), (size+1)/2, size)
		}
		for i, l := range lines {
			if n := len([]rune(l)); n != size {
				t.Fatalf("%q: line %d is %d columns wide, want %d", uri, i, n, size)
			}
		}
		if diff := cmp.Diff(want, decodeQR(t, b.String(), qrQuietZone)); diff != "" {
			t.Errorf("%q: modules differ from the QR code (-want +got):\n%s", uri, diff)
		}
	}
}

func TestWriteQR_colour(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	if err := writeQR(&b, "https://github.com/login/device", true); err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		if !strings.HasPrefix(l, ansiQR) || !strings.HasSuffix(l, ansiReset) {
			t.Fatalf("line %d = %q, want it wrapped in black on white", i, l)
		}
		// Dark ink: the quiet zone is background, so the first line is blank.
		if inner := strings.TrimSuffix(strings.TrimPrefix(l, ansiQR), ansiReset); i == 0 && strings.TrimSpace(inner) != "" {
			t.Errorf("first line = %q, want the blank quiet zone", inner)
		}
	}
}

func TestWriteQR_tooLong(t *testing.T) {
	t.Parallel()
	if err := writeQR(&bytes.Buffer{}, strings.Repeat("x", 5000), false); err == nil {
		t.Error("writeQR of 5000 bytes: no error")
	}
}
