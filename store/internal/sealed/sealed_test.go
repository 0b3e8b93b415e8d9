package sealed

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/oauthkit/oauthkit"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func token() *oauthkit.Token {
	return &oauthkit.Token{
		AccessToken: "at", TokenType: "Bearer", RefreshToken: "rt",
		ExpiresAt: time.Unix(2_000_000_000, 0), Extra: map[string]any{"x": "y"},
	}
}

func codec(t *testing.T, key []byte, aad string) *Codec {
	t.Helper()
	c, err := NewCodec(key, aad)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCodec(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{9}, 16)
	sealedBytes, err := codec(t, key, "here").Encode(token())
	if err != nil {
		t.Fatal(err)
	}
	plainBytes, err := codec(t, nil, "here").Encode(token())
	if err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Clone(sealedBytes)
	tampered[len(tampered)-5] ^= 1
	tests := []struct {
		name    string
		c       *Codec
		in      []byte
		wantErr error
	}{
		{"sealed", codec(t, key, "here"), sealedBytes, nil},
		{"plain", codec(t, nil, "x"), plainBytes, nil},
		{"other place", codec(t, key, "there"), sealedBytes, ErrOpen},
		{"other key", codec(t, bytes.Repeat([]byte{8}, 16), "here"), sealedBytes, ErrOpen},
		{"tampered", codec(t, key, "here"), tampered, ErrOpen},
		{"no key", codec(t, nil, "here"), sealedBytes, ErrSealed},
		{"key for plain", codec(t, key, "here"), plainBytes, ErrNotSealed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.c.Decode(tt.in)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Decode() error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode() error = %v", err)
			}
			if !Same(got, token()) || !got.ExpiresAt.Equal(token().ExpiresAt) || got.Extra["x"] != "y" {
				t.Fatalf("Decode() = %#v, want %#v", got, token())
			}
		})
	}
}

// A plain token that carries the marker's name, as a value or as a
// member the server sent, is still a plain token.
func TestCodec_plainWithMarker(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{9}, 16)
	tests := []struct {
		name    string
		extra   map[string]any
		key     []byte
		wantErr error
	}{
		{"marker as a value", map[string]any{"note": marker}, nil, nil},
		{"marker as a member", map[string]any{marker: "v1", "data": "AAAA"}, nil, nil},
		{"marker as a value, with a key", map[string]any{"note": marker}, key, ErrNotSealed},
		{"marker as a member, with a key", map[string]any{marker: "v1"}, key, ErrNotSealed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok := token()
			tok.Extra = tt.extra
			b, err := codec(t, nil, "here").Encode(tok)
			if err != nil {
				t.Fatal(err)
			}
			got, err := codec(t, tt.key, "here").Decode(b)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Decode(%s) error = %v, want %v", b, err, tt.wantErr)
			}
			if err == nil && !Same(got, tok) {
				t.Fatalf("Decode(%s) = %#v, want %#v", b, got, tok)
			}
		})
	}
}

func TestCodec_nonceFresh(t *testing.T) {
	t.Parallel()
	c := codec(t, bytes.Repeat([]byte{1}, 32), "")
	a, _ := c.Encode(token())
	b, _ := c.Encode(token())
	if bytes.Equal(a, b) {
		t.Fatal("two encodings of one token are equal: nonce reused")
	}
}

func TestFingerprint(t *testing.T) {
	t.Parallel()
	a := token()
	b := token()
	b.ExpiresAt = time.Time{}
	b.Extra = nil
	if !Same(a, b) {
		t.Error("tokens with the same access and refresh tokens differ")
	}
	for _, c := range []*oauthkit.Token{{AccessToken: "at"}, {AccessToken: "atrt"}, {AccessToken: "a", RefreshToken: "trt"}, nil} {
		if Same(a, c) {
			t.Errorf("Same(%v, %v) = true", a, c)
		}
	}
	if Fingerprint(nil) != "" {
		t.Error("Fingerprint(nil) is not empty")
	}
}

func TestNewCodec_badKey(t *testing.T) {
	t.Parallel()
	if _, err := NewCodec([]byte("short"), ""); !errors.Is(err, ErrKey) {
		t.Fatalf("NewCodec(short key) error = %v, want ErrKey", err)
	}
}

// FuzzDecode: stored bytes come from a file or a database anyone with
// access could have written; decoding never panics, and a decoded token
// has an access token.
func FuzzDecode(f *testing.F) {
	key := bytes.Repeat([]byte{5}, 32)
	for _, k := range [][]byte{nil, key} {
		c, _ := NewCodec(k, "fuzz")
		b, _ := c.Encode(token())
		f.Add(b, k != nil)
	}
	f.Add([]byte(`{"oauthkit_sealed":"v1","data":""}`), true)
	f.Add([]byte(`{"oauthkit_sealed":"v2"}`), false)
	f.Add([]byte(`{"access_token":1}`), false)
	f.Add([]byte(`{"access_token":"a","n":1.0,"expires_in":"60"}`), false)
	f.Fuzz(func(t *testing.T, b []byte, withKey bool) {
		var k []byte
		if withKey {
			k = key
		}
		c, _ := NewCodec(k, "fuzz")
		tok, err := c.Decode(b)
		if err != nil {
			return
		}
		if tok == nil || tok.AccessToken == "" {
			t.Fatalf("Decode(%q) = %v with no error", b, tok)
		}
		// What decodes is stored again as it was.
		enc, err := c.Encode(tok)
		if err != nil {
			t.Fatalf("Encode(Decode(%q)): %v", b, err)
		}
		back, err := c.Decode(enc)
		if err != nil || back.ExpiresAt.Unix() != tok.ExpiresAt.Unix() {
			t.Fatalf("Decode(Encode(Decode(%q))) = %v, %v; want %v", b, back, err, tok)
		}
		back.ExpiresAt = tok.ExpiresAt
		if !reflect.DeepEqual(back, tok) {
			t.Fatalf("Decode(Encode(Decode(%q))) = %#v; want %#v", b, *back, *tok)
		}
	})
}
