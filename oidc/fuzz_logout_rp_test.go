package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzParseFrontChannelLogout feeds arbitrary front-channel logout queries
// to the parser: what it accepts names one iss and one sid or neither, the
// expected issuer, and both when a session is required.
func FuzzParseFrontChannelLogout(f *testing.F) {
	for _, q := range []string{"iss=https%3A%2F%2Fissuer.example.com&sid=s", "", "sid=s", "iss=x&sid=s",
		"iss=https%3A%2F%2Fissuer.example.com&iss=y&sid=s", "iss=&sid=", "iss=%zz&sid=s", "sid=s;iss=x"} {
		f.Add(q, false)
	}
	f.Fuzz(func(t *testing.T, query string, requireSession bool) {
		r := httptest.NewRequest(http.MethodGet, "/fc", nil)
		r.URL.RawQuery = query
		fc, err := ParseFrontChannelLogout(r, testIssuer, requireSession)
		if err != nil {
			if fc != nil {
				t.Fatalf("logout %+v with error %v", fc, err)
			}
			if !strings.HasPrefix(err.Error(), "oidc: ") {
				t.Fatalf("error without prefix: %q", err)
			}
			return
		}
		q, err := url.ParseQuery(query)
		if err != nil || len(q["iss"]) > 1 || len(q["sid"]) > 1 || q.Get("iss") != fc.Issuer || q.Get("sid") != fc.SessionID {
			t.Fatalf("accepted %q as %+v", query, fc)
		}
		if (fc.Issuer == "") != (fc.SessionID == "") || (requireSession && fc.SessionID == "") || (fc.Issuer != "" && fc.Issuer != testIssuer) {
			t.Fatalf("accepted %q as %+v (session required: %v)", query, fc, requireSession)
		}
	})
}

// FuzzBackChannelLogoutHandler posts arbitrary bodies, and logout tokens
// signed over arbitrary claims, to the back-channel logout handler: it
// answers 200 only after calling logout with a verified token, and
// otherwise 4xx with a JSON error.
func FuzzBackChannelLogoutHandler(f *testing.F) {
	good, _ := json.Marshal(logoutClaimsAt())
	f.Add("application/x-www-form-urlencoded", "", good)
	f.Add("application/x-www-form-urlencoded", "logout_token=a.b.c", []byte(nil))
	f.Add("application/x-www-form-urlencoded; charset=utf-8", "logout_token=x&logout_token=y", []byte(nil))
	f.Add("application/json", `{"logout_token":"x"}`, []byte(nil))
	f.Add("application/x-www-form-urlencoded", "logout_token=%zz", []byte(nil))
	key := testES256()
	f.Fuzz(func(t *testing.T, ct, body string, claims []byte) {
		if len(claims) > 0 {
			body = url.Values{"logout_token": {sign(t, key, json.RawMessage(claims))}}.Encode()
		}
		var got *LogoutToken
		h := NewBackChannelLogoutHandler(newLogoutVerifier(), func(_ context.Context, lt *LogoutToken) error {
			if lt.Subject == "fail" {
				return errors.New("no such session")
			}
			got = lt
			return nil
		})
		req := httptest.NewRequest(http.MethodPost, "/bc", strings.NewReader(body))
		req.Header.Set("Content-Type", ct)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Header().Get("Cache-Control") != "no-store" {
			t.Fatalf("answer without Cache-Control: no-store: %v", rec.Header())
		}
		if rec.Code == http.StatusOK {
			if got == nil || got.Issuer != testIssuer || (got.Subject == "" && got.SessionID == "") {
				t.Fatalf("200 for %q after logout(%+v)", body, got)
			}
			return
		}
		var e map[string]string
		if rec.Code != http.StatusBadRequest || json.Unmarshal(rec.Body.Bytes(), &e) != nil || e["error"] != "invalid_request" || got != nil {
			t.Fatalf("refused %q with %d %s (logout got %+v)", body, rec.Code, rec.Body.Bytes(), got)
		}
	})
}
