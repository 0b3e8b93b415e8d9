package wire

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestReadSized(t *testing.T) {
	t.Parallel()
	body := strings.Repeat("x", 1000)
	for _, tt := range []struct {
		name    string
		r       io.Reader
		size    int64
		limit   int64
		want    string
		wantErr error
	}{
		{"announced size", strings.NewReader(body), 1000, 2000, body, nil},
		{"unknown size", strings.NewReader(body), -1, 2000, body, nil},
		{"zero announced, body anyway", strings.NewReader(body), 0, 2000, body, nil},
		{"announced too small", strings.NewReader(body), 10, 2000, body, nil},
		{"announced too large", strings.NewReader(body), 5000, 2000, body, nil},
		{"one byte reads", iotest.OneByteReader(strings.NewReader(body)), 1000, 2000, body, nil},
		{"exactly the limit", strings.NewReader(body), 1000, 1000, body, nil},
		{"over the limit", strings.NewReader(body), 1000, 999, body[:999], ErrTooLarge},
		{"over the limit, unknown size", strings.NewReader(body), -1, 10, body[:10], ErrTooLarge},
		{"empty", strings.NewReader(""), 0, 10, "", nil},
		{"read error", iotest.TimeoutReader(strings.NewReader(body)), 1000, 2000, body, iotest.ErrTimeout},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ReadSized(tt.r, tt.size, tt.limit)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ReadSized() error = %v, want %v", err, tt.wantErr)
			}
			if tt.name != "read error" && !bytes.Equal(got, []byte(tt.want)) {
				t.Errorf("ReadSized() = %d bytes, want %d", len(got), len(tt.want))
			}
		})
	}
}

func TestMediaType(t *testing.T) {
	t.Parallel()
	for ct, want := range map[string]string{
		"application/json":                "application/json",
		"Application/JSON; charset=utf-8": "application/json",
		"application/json;":               "application/json",
		"":                                "",
		"text/html; charset":              "",
	} {
		if got := MediaType(ct); got != want {
			t.Errorf("MediaType(%q) = %q, want %q", ct, got, want)
		}
	}
}
