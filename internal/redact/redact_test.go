package redact

import (
	"encoding/json"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"json token", `{"access_token":"S1","token_type":"Bearer","refresh_token":"S2"}`,
			`{"access_token":"[redacted]","token_type":"Bearer","refresh_token":"[redacted]"}`},
		{"json spaces", `{ "id_token" : "S1" , "scope" : ["read"] }`, `{ "id_token" : "[redacted]" , "scope" : ["read"] }`},
		{"json escaped name", `{"acc\u0065ss_token":"S1"}`, `{"acc\u0065ss_token":"[redacted]"}`},
		{"json escaped value", `{"password":"S1\"S1"}`, `{"password":"[redacted]"}`},
		{"json case variant", `{"ACCESS_TOKEN":"S1"}`, `{"ACCESS_TOKEN":"[redacted]"}`},
		{"json number", `{"code":12345,"x":1}`, `{"code":"[redacted]","x":1}`},
		{"json object value", `{"assertion":{"a":"S1","b":["S1"]},"x":1}`, `{"assertion":"[redacted]","x":1}`},
		{"json nested", `{"data":{"client_secret":"S1"}}`, `{"data":{"client_secret":"[redacted]"}}`},
		{"json duplicate", `{"code":"S1","code":"S1"}`, `{"code":"[redacted]","code":"[redacted]"}`},
		{"json truncated value", `{"token_type":"Bearer","access_token":"S1S1S1`, `{"token_type":"Bearer","access_token":"[redacted]"`},
		{"json trailing bytes", `{"access_token":"S1"} x`, `{"access_token":"[redacted]"} x`},
		{"json other names kept", `{"error_code":"E1","token_type":"Bearer","codes":"E2"}`, `{"error_code":"E1","token_type":"Bearer","codes":"E2"}`},
		{"query in a string", `{"error_uri":"https://x/cb?code=S1&state=ok"}`, `{"error_uri":"https://x/cb?code=[redacted]&state=ok"}`},
		{"form", `access_token=S1&token_type=bearer&refresh_token=S2`, `access_token=[redacted]&token_type=bearer&refresh_token=[redacted]`},
		{"form escaped name", `access%5Ftoken=S1&x=1`, `access%5Ftoken=[redacted]&x=1`},
		{"form value with equals", `client_assertion=a.b=c&x=1`, `client_assertion=[redacted]&x=1`},
		{"form empty value", `code=&x=1`, `code=&x=1`},
		{"html echo", `<p>client_secret=S1</p><a href="/cb?device_code=S2">x</a>`, `<p>client_secret=[redacted]</p><a href="/cb?device_code=[redacted]">x</a>`},
		{"header echo", "password: S1\nuser: bob", "password: [redacted]\nuser: bob"},
		{"text in a string", `"invalid_request refresh_token:S1"`, `"invalid_request refresh_token:[redacted]"`},
		{"text in an error", `oauthkit: x: "invalid_request refresh_token:S1" (HTTP 400)`, `oauthkit: x: "invalid_request refresh_token:[redacted]" (HTTP 400)`},
		{"text in a json string", `{"error_description":"bad code:12345"}`, `{"error_description":"bad code:[redacted]"}`},
		{"quoted text value", `refresh_token:"S1"`, `refresh_token:"[redacted]"`},
		{"single quotes", `client_secret='S1'&x=1`, `client_secret='[redacted]'&x=1`},
		{"single quotes after colon", `password: 'S1' ok`, `password: '[redacted]' ok`},
		{"python dict", `{'access_token': 'S1', 'token_type': 'Bearer'}`, `{'access_token': '[redacted]', 'token_type': 'Bearer'}`},
		{"escaped json bare value", `{"a":"{\"code\":123}"}`, `{"a":"{\"code\":\"[redacted]\"}"}`},
		{"escaped quote not closed", `{"a":"code=\"S1","b":1}`, `{"a":"code=\"[redacted]\"","b":1}`},
		{"escaped name at string end", `{"a":"x\"code\":"}`, `{"a":"x\"code\":"}`},
		{"escaped line break before a name", `{"error_description":"echo:\nrefresh_token=S1"}`, `{"error_description":"echo:\nrefresh_token=[redacted]"}`},
		{"escaped line break inside a run", `"POST /token\nAuthorization: Basic Y2lk\n"`, `"POST /token\nAuthorization: Basic [redacted]\n"`},
		{"form space before a name", `q=a+code=S1`, `q=a+code=[redacted]`},
		{"authorization basic", "Authorization: Basic Y2lk\nX: 1", "Authorization: Basic [redacted]\nX: 1"},
		{"authorization bearer", `authorization: Bearer S1.S1-S1`, `authorization: Bearer [redacted]`},
		{"authorization dpop", `Authorization: DPoP S1`, `Authorization: DPoP [redacted]`},
		{"proxy authorization", `Proxy-Authorization: Basic Y2lk`, `Proxy-Authorization: Basic [redacted]`},
		{"authorization without scheme", `Authorization: S1`, `Authorization: [redacted]`},
		{"authorization json", `{"Authorization":"Bearer S1","x":1}`, `{"Authorization":"Bearer [redacted]","x":1}`},
		{"authorization header map", `map[Authorization:[Basic Y2lk] X:[1]]`, `map[Authorization:[Basic [redacted]] X:[1]]`},
		{"authorization in a string", `"sent Authorization: Bearer S1"`, `"sent Authorization: Bearer [redacted]"`},
		{"stray quote", `<p>a 5" screen</p>{"access_token":"S1"}`, `<p>a 5" screen</p>{"access_token":"[redacted]"}`},
		{"json in a string", `{"error_description":"{\"refresh_token\":\"S1\"}"}`, `{"error_description":"{\"refresh_token\":\"[redacted]\"}"}`},
		{"lone backslash", `\ \`, `\ \`},
		{"no credentials", `{"error":"invalid_grant","error_description":"expired"}`, `{"error":"invalid_grant","error_description":"expired"}`},
		{"word without value", `bad code or token`, `bad code or token`},
		{"empty", ``, ``},
		{"lone quote", `"`, `"`},
		{"name at end", `{"access_token"`, `{"access_token"`},
		{"colon at end", `{"access_token":`, `{"access_token":`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := String(tt.in); got != tt.want {
				t.Errorf("String(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestIsCredential(t *testing.T) {
	t.Parallel()
	for _, n := range []string{"access_token", "Refresh_Token", "id_token", "client_secret", "assertion", "client_assertion", "code", "device_code", "password"} {
		if !IsCredential(n) {
			t.Errorf("IsCredential(%q) = false", n)
		}
	}
	for _, n := range []string{"token_type", "scope", "error_code", "user_code", "state"} {
		if IsCredential(n) {
			t.Errorf("IsCredential(%q) = true", n)
		}
	}
}

func FuzzString(f *testing.F) {
	f.Add(`{"access_token":"SECRETVALUE","x":"y"}`)
	f.Add(`access_token=SECRETVALUE&x=y`)
	f.Add(`{"a":"\"","code":"SECRETVALUE"`)
	f.Add(`"invalid_request refresh_token:SECRETVALUE"`)
	f.Add(`client_secret='SECRETVALUE'`)
	f.Add("Authorization: Basic SECRETVALUE\n")
	f.Add(`map[Authorization:[Bearer SECRETVALUE]]`)
	f.Add(`{"a":"{\"code\":123}"}`)
	f.Add(`{"e":"echo:\nrefresh_token=SECRETVALUE"}`)
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		// Redaction is stable: a second pass changes nothing.
		if again := String(out); again != out {
			t.Fatalf("String is not idempotent:\n%q\n%q", out, again)
		}
		// Redaction keeps JSON well-formed.
		if json.Valid([]byte(s)) && !json.Valid([]byte(out)) {
			t.Fatalf("valid JSON became invalid:\n%q\n%q", s, out)
		}
		// A plain JSON member or form pair never survives.
		for _, in := range []string{` {"access_token":"SECRETVALUE"}`, `&access_token=SECRETVALUE`} {
			if strings.Contains(String(s+in), "SECRETVALUE") && !strings.Contains(s, "SECRETVALUE") {
				t.Fatalf("secret kept after %q: %q", s, String(s+in))
			}
		}
	})
}
