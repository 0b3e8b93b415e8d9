package web_test

import (
	"testing"

	"github.com/oauthkit/oauthkit/web"
)

func TestSafeReturnTo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"/", "/"},
		{"/profile", "/profile"},
		{"/profile?tab=1&x=%2F", "/profile?tab=1&x=%2F"},
		{"/a/b#frag", "/a/b#frag"},
		{"", "/"},
		{"profile", "/"},
		{"//evil.example", "/"},
		{"//evil.example/path", "/"},
		{`/\evil.example`, "/"},
		{`/a\b`, "/"},
		{"https://evil.example/", "/"},
		{"http:evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/ /evil.example", "/"},
		{"/%2F/evil.example", "/"},
		{"/%2f%2fevil.example", "/"},
		{"/%5Cevil.example", "/"},
		{"/%5c%5cevil.example", "/"},
		{"/%2F%5Cevil.example", "/"},
		{"/%09/evil.example", "/"},
		{"/%0A%0D/evil.example", "/"},
		{"/a%5Cb", "/a%5Cb"},
		{"/a%2F%2Fb", "/a%2F%2Fb"},
		{"/my%20files", "/my%20files"},
		{"/\x00", "/"},
		{"/\x7f", "/"},
		{"/" + string(make([]byte, 3000)), "/"},
	}
	for _, tc := range tests {
		if got := web.SafeReturnTo(tc.in); got != tc.want {
			t.Errorf("SafeReturnTo(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}
