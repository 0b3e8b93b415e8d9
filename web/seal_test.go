package web_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/oauthkit/oauthkit/web"
)

func TestSealer(t *testing.T) {
	t.Parallel()
	oldKey := bytes.Repeat([]byte{1}, 32)
	newKey := bytes.Repeat([]byte{2}, 32)
	old, err := web.NewSealer("flow", oldKey)
	if err != nil {
		t.Fatal(err)
	}
	rotated, err := web.NewSealer("flow", newKey, oldKey)
	if err != nil {
		t.Fatal(err)
	}
	newOnly, err := web.NewSealer("flow", newKey)
	if err != nil {
		t.Fatal(err)
	}
	otherPurpose, err := web.NewSealer("session", oldKey)
	if err != nil {
		t.Fatal(err)
	}
	sealedOld := old.Seal("c1", []byte("hello"))
	tampered := []byte(sealedOld)
	tampered[len(tampered)/2] ^= 1

	tests := []struct {
		name    string
		s       *web.Sealer
		cookie  string
		value   string
		want    string
		wantErr error
	}{
		{name: "round trip", s: old, cookie: "c1", value: sealedOld, want: "hello"},
		{name: "old key after rotation", s: rotated, cookie: "c1", value: sealedOld, want: "hello"},
		{name: "new key seals", s: newOnly, cookie: "c1", value: rotated.Seal("c1", []byte("hi")), want: "hi"},
		{name: "old key removed", s: newOnly, cookie: "c1", value: sealedOld, wantErr: web.ErrTampered},
		{name: "other name", s: old, cookie: "c2", value: sealedOld, wantErr: web.ErrTampered},
		{name: "other purpose", s: otherPurpose, cookie: "c1", value: sealedOld, wantErr: web.ErrTampered},
		{name: "tampered", s: old, cookie: "c1", value: string(tampered), wantErr: web.ErrTampered},
		{name: "truncated", s: old, cookie: "c1", value: sealedOld[:10], wantErr: web.ErrTampered},
		{name: "empty", s: old, cookie: "c1", value: "", wantErr: web.ErrTampered},
		{name: "not base64", s: old, cookie: "c1", value: "!!!", wantErr: web.ErrTampered},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.s.Open(tc.cookie, tc.value)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Open() = %q, %v; want %v", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Fatalf("Open() = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
	if a, b := old.Seal("c1", []byte("x")), old.Seal("c1", []byte("x")); a == b {
		t.Errorf("Seal twice gave the same value %q: the nonce must be random", a)
	}
}

func TestNewSealer_badKeys(t *testing.T) {
	t.Parallel()
	for _, keys := range [][][]byte{nil, {make([]byte, 15)}, {make([]byte, 32), nil}} {
		if _, err := web.NewSealer("flow", keys...); !errors.Is(err, web.ErrInvalidConfig) {
			t.Errorf("NewSealer(%d keys) = %v; want ErrInvalidConfig", len(keys), err)
		}
	}
}
