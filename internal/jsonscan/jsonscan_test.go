package jsonscan

import (
	"encoding/json"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestString(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want string
		next int
		ok   bool
	}{
		{`"abc",`, "abc", 5, true},
		{`""`, "", 2, true},
		{`"é"`, "é", 4, true},
		{`"a\"b"`, "", 0, false},
		{`"a\nb"`, "", 0, false},
		{"\"a\tb\"", "", 0, false},
		{"\"\xff\"", "", 0, false},
		{`"abc`, "", 0, false},
		{`abc"`, "", 0, false},
		{``, "", 0, false},
	} {
		s, e, next, ok := String([]byte(tt.in), 0)
		if ok != tt.ok || (ok && (tt.in[s:e] != tt.want || next != tt.next)) {
			t.Errorf("String(%q) = %d, %d, %d, %v; want %q, next %d, %v", tt.in, s, e, next, ok, tt.want, tt.next, tt.ok)
		}
	}
}

func TestInt(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"-0", 0, true}, {"3600,", 3600, true}, {"-12}", -12, true},
		{"9223372036854775807", 9223372036854775807, true},
		{"9223372036854775808", 0, false},
		{"01", 0, false}, {"-", 0, false}, {"", 0, false}, {"1.5", 0, false}, {"1e3", 0, false}, {"x", 0, false},
	} {
		n, _, ok := Int([]byte(tt.in), 0)
		if ok != tt.ok || n != tt.want {
			t.Errorf("Int(%q) = %d, %v; want %d, %v", tt.in, n, ok, tt.want, tt.ok)
		}
	}
}

func TestValueEnd(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{
		`"a\"b",1`:           6,
		`{"a":[1,"]",{}]} ,`: 16,
		`[[],[[]]]`:          9,
		`-1.5e3}`:            6,
		`true ,`:             4,
		`null`:               4,
		`{"x":"\\"}`:         10,
	} {
		if got := ValueEnd([]byte(in), 0); got != want {
			t.Errorf("ValueEnd(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestLiteral(t *testing.T) {
	t.Parallel()
	if next, ok := Literal([]byte("[null]"), 1, "null"); !ok || next != 5 {
		t.Errorf("Literal(null) = %d, %v", next, ok)
	}
	if _, ok := Literal([]byte("nul"), 0, "null"); ok {
		t.Error("Literal matched a prefix")
	}
}

// FuzzString checks String against encoding/json: what it takes as is,
// encoding/json decodes to the same string.
func FuzzString(f *testing.F) {
	for _, s := range []string{`"abc"`, `"é"`, `"a\"b"`, "\"\x7f\"", "\"\xed\xa0\x80\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, e, next, ok := String([]byte(in), 0)
		if !ok {
			return
		}
		var want string
		if err := json.Unmarshal([]byte(in[:next]), &want); err != nil {
			t.Fatalf("String accepted %q, encoding/json: %v", in[:next], err)
		}
		if in[s:e] != want {
			t.Fatalf("String(%q) = %q, encoding/json %q", in, in[s:e], want)
		}
	})
}

// FuzzInt checks Int against encoding/json.
func FuzzInt(f *testing.F) {
	for _, s := range []string{"0", "-0", "123", "01", "9223372036854775807", "-9223372036854775808"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		n, next, ok := Int([]byte(in), 0)
		if !ok {
			return
		}
		var want int64
		if err := json.Unmarshal([]byte(in[:next]), &want); err != nil || n != want {
			t.Fatalf("Int(%q) = %d, encoding/json %d, %v", in, n, want, err)
		}
	})
}
