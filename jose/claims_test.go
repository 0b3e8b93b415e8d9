package jose

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// idClaimsForTest has the shape of a typical claims struct, with an
// embedded struct as oidc's has.
type idClaimsForTest struct {
	Iss string `json:"iss"`
	Aud any    `json:"aud"`
	embeddedClaimsForTest
}

type embeddedClaimsForTest struct {
	Sub   string `json:"sub"`
	Email string
}

func TestDecodeClaims(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    idClaimsForTest
		wantErr error
	}{
		{name: "plain", in: `{"iss":"i","aud":"c","sub":"s","Email":"e"}`, want: idClaimsForTest{Iss: "i", Aud: "c", embeddedClaimsForTest: embeddedClaimsForTest{Sub: "s", Email: "e"}}},
		{name: "duplicate aud", in: `{"aud":"evil","iss":"i","aud":"c"}`, wantErr: ErrMalformedToken},
		{name: "duplicate after unescaping", in: `{"aud":"c","\u0061ud":"evil"}`, wantErr: ErrMalformedToken},
		{name: "duplicate embedded claim", in: `{"sub":"a","sub":"b"}`, wantErr: ErrMalformedToken},
		{name: "upper-case aud alone", in: `{"AUD":"c","iss":"i"}`, want: idClaimsForTest{Iss: "i"}},
		{name: "mixed-case aud after aud", in: `{"aud":"c","Aud":"evil"}`, want: idClaimsForTest{Aud: "c"}},
		{name: "mixed-case aud before aud", in: `{"Aud":"evil","aud":"c"}`, want: idClaimsForTest{Aud: "c"}},
		{name: "case variant of embedded claim", in: `{"SUB":"evil","email":"e"}`},
		{name: "unicode fold", in: `{"ſub":"evil","iſs":"evil"}`},
		{name: "escaped exact name", in: `{"\u0069ss":"i"}`, want: idClaimsForTest{Iss: "i"}},
		{name: "nested members are not claims", in: `{"aud":{"x":1,"x":2,"AUD":3},"sub":"s"}`, want: idClaimsForTest{Aud: map[string]any{"x": float64(2), "AUD": float64(3)}, embeddedClaimsForTest: embeddedClaimsForTest{Sub: "s"}}},
		{name: "strings with braces", in: `{"iss":"}{\"","aud":["a","]"],"sub":"s"}`, want: idClaimsForTest{Iss: `}{"`, Aud: []any{"a", "]"}, embeddedClaimsForTest: embeddedClaimsForTest{Sub: "s"}}},
		{name: "not an object", in: `["aud"]`, wantErr: ErrMalformedToken},
		{name: "invalid", in: `{"aud":}`, wantErr: ErrMalformedToken},
		{name: "wrong type", in: `{"iss":1}`, wantErr: ErrMalformedToken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got idClaimsForTest
			err := DecodeClaims([]byte(tt.in), &got)
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("DecodeClaims(%s) = %v; want %v", tt.in, err, tt.wantErr)
			}
			if err == nil && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("DecodeClaims(%s) = %+v; want %+v", tt.in, got, tt.want)
			}
		})
	}
	// A map keeps every member under its exact name.
	var m map[string]any
	if err := DecodeClaims([]byte(`{"aud":"c","AUD":"x"}`), &m); err != nil || len(m) != 2 || m["aud"] != "c" {
		t.Errorf("DecodeClaims(map) = %v, %v", m, err)
	}
}

// A JWS header with a member given twice is refused, whichever the
// decoder would keep.
func TestVerify_duplicateHeaderMember(t *testing.T) {
	t.Parallel()
	hk := newTestKey(t, testSecret[:32], "h", HS256)
	good := signTest(t, hk, "", nil, map[string]any{"sub": "x"})
	set := &KeySet{Keys: []*Key{hk}}
	for _, header := range []string{
		`{"alg":"HS256","alg":"RS256"}`,
		`{"alg":"RS256","alg":"HS256"}`,
		`{"alg":"HS256","kid":"h","kid":"other"}`,
		`{"alg":"HS256","\u0061lg":"HS256"}`,
		`{"alg":"HS256","x":1,"x":2}`,
	} {
		tok := b64.EncodeToString([]byte(header)) + good[indexByte(good, '.'):]
		if _, err := Verify(t.Context(), tok, set, VerifyOptions{Algorithms: []string{HS256}}); !errors.Is(err, ErrMalformedToken) {
			t.Errorf("Verify(header %s) = %v; want %v", header, err, ErrMalformedToken)
		}
		if _, _, err := UnsafeDecode(tok); !errors.Is(err, ErrMalformedToken) {
			t.Errorf("UnsafeDecode(header %s) = %v; want %v", header, err, ErrMalformedToken)
		}
	}
}

func indexByte(s string, c byte) int {
	for i := range len(s) {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func FuzzDecodeClaims(f *testing.F) {
	for _, s := range []string{
		`{"iss":"i","aud":"c","sub":"s"}`,
		`{"aud":"evil","aud":"c"}`,
		`{"AUD":"c"}`,
		`{"Aud":"evil","aud":"c"}`,
		`{"\u0061ud":"c","aud":"d"}`,
		`{"ſub":"x","sub":"y"}`,
		`{"aud":{"aud":1,"aud":2}}`,
		`{"iss":"\"}","aud":["]",{"a":"}"}]}`,
		` { "iss" : "i" , "aud" : null } `,
		`[]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var c struct {
			Aud any `json:"aud"`
		}
		if err := DecodeClaims(b, &c); err != nil {
			if !errors.Is(err, ErrMalformedToken) {
				t.Fatalf("DecodeClaims error %v does not match %v", err, ErrMalformedToken)
			}
			return
		}
		// Accepted: the object's members are unique, so a map decodes
		// them all, and the field holds exactly the "aud" member.
		var m map[string]json.RawMessage
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("accepted claims do not decode into a map: %v", err)
		}
		members, err := objectMembers(b)
		if err != nil || len(members) != len(m) {
			t.Fatalf("members %d, map %d, %v", len(members), len(m), err)
		}
		raw, ok := m["aud"]
		var want any
		if ok {
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
		}
		if !reflect.DeepEqual(c.Aud, want) {
			t.Fatalf("aud = %#v; want %#v (the exact member)", c.Aud, want)
		}
	})
}
