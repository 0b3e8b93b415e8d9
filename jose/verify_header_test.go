package jose

import (
	"bytes"
	"encoding/asn1"
	"math/big"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// checkSameHeader fails if decodeHeader and decodeHeaderMap disagree on b.
func checkSameHeader(t *testing.T, b []byte) {
	t.Helper()
	got, gotErr := decodeHeader(b)
	want, wantErr := decodeHeaderMap(b)
	if (gotErr == nil) != (wantErr == nil) || (gotErr != nil && gotErr.Error() != wantErr.Error()) {
		t.Fatalf("decodeHeader(%q) error = %v, map path %v", b, gotErr, wantErr)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("decodeHeader(%q) mismatch (-map +fast):\n%s", b, diff)
	}
}

func TestDecodeHeader_fastPathMatchesMap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header string
		fast   bool
	}{
		{`{"alg":"RS256"}`, true},
		{`{"alg":"ES256","kid":"k1","typ":"JWT"}`, true},
		{" {\n\t\"typ\" : \"JWT\" ,\r\"alg\":\"HS256\" } ", true},
		{`{"alg":"RS256","kid":""}`, true},
		{`{"alg":""}`, false},
		{`{}`, false},
		{`{"kid":"k"}`, false},
		{`{"ALG":"RS256"}`, false},
		{`{"Alg":"RS256","alg":"RS256"}`, false},
		{`{"alg":"RS256","alg":"HS256"}`, false},
		{`{"alg":"RS256","kid":null}`, false},
		{`{"alg":"RS256","kid":1}`, false},
		{`{"alg":"RS256","typ":"a\"b"}`, false},
		{`{"\u0061lg":"RS256"}`, false},
		{`{"alg":"R\u0053256"}`, false},
		{"{\"alg\":\"RS256\",\"kid\":\"\xff\"}", false},
		{`{"alg":"RS256","crit":["x"]}`, false},
		{`{"alg":"RS256","jku":"https://x"}`, false},
		{`{"alg":"RS256"}x`, false},
		{`{"alg":"RS256"`, false},
		{`{"alg":"RS256",}`, false},
		{`null`, false},
		{`[]`, false},
		{``, false},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			t.Parallel()
			if _, fast := decodeSimpleHeader([]byte(tt.header)); fast != tt.fast {
				t.Errorf("decodeSimpleHeader(%q) fast = %v, want %v", tt.header, fast, tt.fast)
			}
			checkSameHeader(t, []byte(tt.header))
		})
	}
}

func FuzzDecodeHeader(f *testing.F) {
	f.Add([]byte(`{"alg":"ES256","kid":"k1","typ":"JWT"}`))
	f.Add([]byte(`{"alg":"RS256","crit":["x"],"x":1}`))
	f.Add([]byte(`{"alg":"RS256","alg":"x"}`))
	f.Add([]byte(`{"ALG":"RS256"}`))
	f.Add([]byte(`{"alg":"HS256","kid":"k","alg":"RS256","x":1}`))
	f.Add([]byte(`{"alg":"HS256","\u0061lg":"none"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		checkSameHeader(t, b)
	})
}

func TestECDSADER(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		size int
		r, s []byte
	}{
		{"plain", 4, []byte{1, 2, 3, 4}, []byte{5, 6, 7, 8}},
		{"high bit", 4, []byte{0x80, 0, 0, 0}, []byte{0xff, 0xff, 0xff, 0xff}},
		{"leading zeros", 4, []byte{0, 0, 0x80, 1}, []byte{0, 0, 0, 1}},
		{"P-256", 32, bytes.Repeat([]byte{0xab}, 32), bytes.Repeat([]byte{0x7f}, 32)},
		{"P-521 long form", 66, bytes.Repeat([]byte{0xff}, 66), bytes.Repeat([]byte{0x81}, 66)},
		{"P-521 short r", 66, append(make([]byte, 65), 1), bytes.Repeat([]byte{0x01}, 66)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			want, err := asn1.Marshal(struct{ R, S *big.Int }{
				new(big.Int).SetBytes(tt.r), new(big.Int).SetBytes(tt.s),
			})
			if err != nil {
				t.Fatal(err)
			}
			var buf [maxECDSADER]byte
			got, ok := ecdsaDER(buf[:0], tt.r, tt.s)
			if !ok || !bytes.Equal(got, want) {
				t.Errorf("ecdsaDER = %x, %v; want %x", got, ok, want)
			}
		})
	}
	for _, zero := range [][2][]byte{{{0, 0}, {0, 1}}, {{0, 1}, {0, 0}}} {
		if got, ok := ecdsaDER(nil, zero[0], zero[1]); ok {
			t.Errorf("ecdsaDER(%x, %x) = %x, want failure", zero[0], zero[1], got)
		}
	}
}
