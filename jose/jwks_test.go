package jose

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func jwkJSON(t *testing.T, k *Key) string {
	t.Helper()
	b, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseJWKS(t *testing.T) {
	t.Parallel()
	data := `{"keys":[` + strings.Join([]string{
		jwkJSON(t, newTestKey(t, testP256().Public(), "ec", "")),
		jwkJSON(t, &Key{KeyID: "rsa", Use: "sig", Key: testRSA().Public()}),
		jwkJSON(t, newTestKey(t, testEd().Public(), "ed", "")),
		jwkJSON(t, newTestKey(t, testSecret, "oct", "")),
		`{"kty":"foo","kid":"unknown-kty"}`,
		`{"kty":"EC","crv":"secp256k1","kid":"unknown-crv","x":"AAAA","y":"AAAA"}`,
		`{"kty":"OKP","crv":"X25519","kid":"x25519","x":"3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08"}`,
		`{"kty":"RSA","kid":"missing-n","e":"AQAB"}`,
		`{"kty":"EC","crv":"P-256","kid":"alg-mismatch","alg":"RS256",` + strings.TrimPrefix(jwkJSON(t, &Key{Key: testP256().Public()}), `{"kty":"EC","crv":"P-256",`),
		`42`,
	}, ",") + `]}`
	s, err := ParseJWKS([]byte(data))
	if err != nil {
		t.Fatalf("ParseJWKS() = %v", err)
	}
	var got []string
	for _, k := range s.Keys {
		got = append(got, k.KeyID+":"+keyTypeName(k.Key))
	}
	want := []string{"ec:EC P-256", "rsa:RSA", "ed:OKP Ed25519", "oct:oct"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if s.Keys[1].Use != "sig" || s.Keys[0].Algorithm != ES256 {
		t.Errorf("metadata lost: %v %v", s.Keys[0], s.Keys[1])
	}
}

func TestParseJWKS_errors(t *testing.T) {
	t.Parallel()
	for _, data := range []string{``, `{`, `[]`, `{"keys":{}}`, `{}`, `{"keys":null}`, `<html>`} {
		if _, err := ParseJWKS([]byte(data)); !errors.Is(err, ErrMalformedKey) {
			t.Errorf("ParseJWKS(%q) = %v; want %v", data, err, ErrMalformedKey)
		}
	}
	s, err := ParseJWKS([]byte(`{"keys":[]}`))
	if err != nil || len(s.Keys) != 0 {
		t.Errorf("ParseJWKS(empty set) = %v, %v", s, err)
	}
}

func TestParseJWK(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		data    string
		wantErr error
	}{
		{"ec", jwkJSON(t, newTestKey(t, testP256(), "a", "")), nil},
		{"encryption alg kept", `{"kty":"oct","k":"` + strings.Repeat("A", 43) + `","alg":"A256KW","use":"enc"}`, nil},
		{"unknown kty", `{"kty":"foo"}`, ErrUnsupportedKeyType},
		{"x25519", `{"kty":"OKP","crv":"X25519","x":"3p7bfXt9wbTTW2HC7OQ1Nz-DQ8hbeGdNrfx-FG-IK08"}`, ErrUnsupportedKeyType},
		{"missing kty", `{"k":"AAAA"}`, ErrMalformedKey},
		{"not json", `{`, ErrMalformedKey},
		{"alg misfit", `{"kty":"oct","k":"` + strings.Repeat("A", 43) + `","alg":"RS256"}`, ErrKeyTypeMismatch},
		{"short hmac secret", `{"kty":"oct","k":"AAAA","alg":"HS256"}`, ErrKeyTypeMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := ParseJWK([]byte(tt.data))
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Errorf("ParseJWK() = %v, %v; want error %v", k, err, tt.wantErr)
			}
		})
	}
}

func TestKeySet_MarshalJSON_publicOnly(t *testing.T) {
	t.Parallel()
	set := KeySet{Keys: []*Key{
		newTestKey(t, testP256(), "ec", ""),
		newTestKey(t, testEd(), "ed", ""),
		newTestKey(t, testSecret, "oct", ""),
		nil,
	}}
	for name, marshal := range map[string]func() ([]byte, error){
		"value":   func() ([]byte, error) { return json.Marshal(set) },
		"pointer": func() ([]byte, error) { return json.Marshal(&set) },
	} {
		b, err := marshal()
		if err != nil {
			t.Fatalf("%s: Marshal() = %v", name, err)
		}
		for _, private := range []string{`"d"`, `"k"`, `"oct"`} {
			if strings.Contains(string(b), private) {
				t.Errorf("%s: JWKS contains %s: %s", name, private, b)
			}
		}
		var back KeySet
		if err := json.Unmarshal(b, &back); err != nil || len(back.Keys) != 2 || back.Keys[0].IsPrivate() {
			t.Errorf("%s: round trip = %v, %v", name, back.Keys, err)
		}
	}
	if got := (*KeySet)(nil).Public(); len(got.Keys) != 0 {
		t.Errorf("nil.Public() = %v", got)
	}
}

func TestKeySet_KeysFor(t *testing.T) {
	t.Parallel()
	ec := &Key{KeyID: "ec", Key: testP256().Public()}
	ec2 := &Key{KeyID: "ec2", Key: testP256().Public(), Use: "sig", Algorithm: ES256}
	enc := &Key{KeyID: "enc", Key: testP256().Public(), Use: "enc"}
	p384 := &Key{KeyID: "p384", Key: testP384().Public()}
	set := &KeySet{Keys: []*Key{ec, nil, ec2, enc, p384}}
	tests := []struct {
		name    string
		h       Header
		want    []*Key
		wantErr error
	}{
		{"by kid", Header{Algorithm: ES256, KeyID: "ec2"}, []*Key{ec2}, nil},
		{"no kid", Header{Algorithm: ES256}, []*Key{ec, ec2}, nil},
		{"other curve", Header{Algorithm: ES384}, []*Key{p384}, nil},
		{"kid of wrong type", Header{Algorithm: ES384, KeyID: "ec"}, nil, ErrKeyTypeMismatch},
		{"kid of enc key", Header{Algorithm: ES256, KeyID: "enc"}, nil, ErrNoMatchingKey},
		{"unknown kid", Header{Algorithm: ES256, KeyID: "zz"}, nil, ErrNoMatchingKey},
		{"no key for alg", Header{Algorithm: ES512}, nil, ErrKeyTypeMismatch},
		{"unsupported alg", Header{Algorithm: "XS1"}, nil, ErrUnsupportedAlgorithm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := set.KeysFor(t.Context(), tt.h)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("KeysFor() = %v, %v; want error %v", got, err, tt.wantErr)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("KeysFor() = %v; want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("KeysFor()[%d] = %v; want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
	// Appending to a one-key result must not overwrite the set.
	got, _ := set.KeysFor(t.Context(), Header{Algorithm: ES256, KeyID: "ec"})
	_ = append(got, enc)
	if set.Keys[1] != nil {
		t.Error("append to KeysFor result changed the set")
	}
}
