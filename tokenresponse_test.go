package oauthkit

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFetchToken_responses(t *testing.T) {
	t.Parallel()
	type reply struct {
		status int
		ct     string
		body   string
	}
	tests := []struct {
		name        string
		reply       reply
		wantAccess  string
		wantExpires time.Duration
		wantErr     error
		wantCode    string // *Error code
		wantResp    bool   // *ResponseError
	}{
		{name: "json", reply: reply{200, "application/json", `{"access_token":"a","token_type":"bearer","expires_in":60}`}, wantAccess: "a", wantExpires: time.Minute},
		{name: "json charset", reply: reply{200, "application/json; charset=utf-8", `{"access_token":"a","token_type":"Bearer"}`}, wantAccess: "a"},
		{name: "expires_in string", reply: reply{200, "application/json", `{"access_token":"a","token_type":"bearer","expires_in":"120"}`}, wantAccess: "a", wantExpires: 2 * time.Minute},
		{name: "form", reply: reply{200, "application/x-www-form-urlencoded", `access_token=f&token_type=bearer&scope=user%3Aemail`}, wantAccess: "f"},
		{name: "text plain form", reply: reply{200, "text/plain", `access_token=f&token_type=bearer`}, wantAccess: "f"},
		{name: "error json 400", reply: reply{400, "application/json", `{"error":"invalid_grant","error_description":"bad code"}`}, wantCode: ErrorCodeInvalidGrant},
		{name: "error at 200", reply: reply{200, "application/json", `{"error":"bad_verification_code","error_description":"The code passed is incorrect"}`}, wantCode: "bad_verification_code"},
		{name: "error form at 200", reply: reply{200, "application/x-www-form-urlencoded", `error=bad_verification_code`}, wantCode: "bad_verification_code"},
		{name: "error 401", reply: reply{401, "application/json", `{"error":"invalid_client"}`}, wantCode: ErrorCodeInvalidClient},
		{name: "html 500", reply: reply{500, "text/html", `<html><body>Internal Server Error</body></html>`}, wantResp: true},
		{name: "html 200", reply: reply{200, "text/html", `<html>login</html>`}, wantResp: true},
		{name: "invalid json", reply: reply{200, "application/json", `{"access_token":`}, wantResp: true},
		{name: "json array", reply: reply{200, "application/json", `["access_token"]`}, wantResp: true},
		{name: "wrong member type", reply: reply{200, "application/json", `{"access_token":42,"token_type":"bearer"}`}, wantErr: ErrInvalidTokenResponse},
		{name: "no access token", reply: reply{200, "application/json", `{"token_type":"bearer"}`}, wantErr: ErrInvalidTokenResponse},
		{name: "no token type", reply: reply{200, "application/json", `{"access_token":"a"}`}, wantErr: ErrInvalidTokenResponse},
		{name: "mac token type", reply: reply{200, "application/json", `{"access_token":"a","token_type":"mac"}`}, wantErr: ErrUnsupportedTokenType},
		{name: "negative expiry", reply: reply{200, "application/json", `{"access_token":"a","token_type":"bearer","expires_in":-5}`}, wantErr: ErrInvalidTokenResponse},
		{name: "too large", reply: reply{200, "application/json", `{"access_token":"` + strings.Repeat("a", 2<<20) + `"}`}, wantErr: ErrResponseTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.reply.ct)
				w.WriteHeader(tt.reply.status)
				w.Write([]byte(tt.reply.body))
			})
			clk := newClock()
			s := mustSession(t, Config{TokenURL: srv.URL, Now: clk.Now})
			tok, err := s.FetchToken(t.Context(), ClientCredentials())
			if tt.wantAccess != "" {
				if err != nil {
					t.Fatalf("FetchToken: %v", err)
				}
				if tok.AccessToken != tt.wantAccess {
					t.Errorf("AccessToken = %q, want %q", tok.AccessToken, tt.wantAccess)
				}
				if tt.wantExpires != 0 && !tok.ExpiresAt.Equal(clk.Now().Add(tt.wantExpires)) {
					t.Errorf("ExpiresAt = %v, want now+%v", tok.ExpiresAt, tt.wantExpires)
				}
				return
			}
			if err == nil {
				t.Fatalf("FetchToken = %v, want error", tok)
			}
			if s.Token() != nil {
				t.Errorf("a failed fetch stored a token: %v", s.Token())
			}
			if !strings.Contains(err.Error(), "token endpoint") {
				t.Errorf("error %q does not name the endpoint", err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantCode != "" {
				e, ok := errors.AsType[*Error](err)
				if !ok || e.Code != tt.wantCode || e.StatusCode != tt.reply.status {
					t.Errorf("err = %#v, want *Error code %q status %d", err, tt.wantCode, tt.reply.status)
				}
			}
			if tt.wantResp {
				e, ok := errors.AsType[*ResponseError](err)
				if !ok || e.StatusCode != tt.reply.status {
					t.Errorf("err = %v, want *ResponseError with status %d", err, tt.reply.status)
				}
			}
		})
	}
}

func TestFetchToken_sendsAcceptJSON(t *testing.T) {
	t.Parallel()
	srv := newFake(t, tokenJSON("a", "", 0))
	s := mustSession(t, Config{TokenURL: srv.URL, Scopes: []string{"read", "write"}})
	if _, err := s.FetchToken(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	r := srv.last(t)
	if got := r.Header.Get("Accept"); got != "application/json" {
		t.Errorf("Accept = %q", got)
	}
	if got := r.Form.Get("grant_type"); got != GrantTypeClientCredentials {
		t.Errorf("nil grant sent grant_type %q, want client_credentials", got)
	}
	if got := r.Form.Get("scope"); got != "read write" {
		t.Errorf("scope = %q", got)
	}
}

func TestError_Error(t *testing.T) {
	t.Parallel()
	e := &Error{Endpoint: "token", StatusCode: 400, Code: "invalid_grant", Description: "refresh token expired", Body: []byte("SECRET")}
	want := `oauthkit: token endpoint: "invalid_grant" "refresh token expired" (HTTP 400)`
	if e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
	r := &ResponseError{Endpoint: "token", StatusCode: 502, ContentType: "text/html", Body: []byte("<h1>Bad\n gateway</h1>")}
	if got := r.Error(); !strings.Contains(got, "HTTP 502") || !strings.Contains(got, "<h1>Bad gateway</h1>") || strings.Contains(got, "\n") {
		t.Errorf("ResponseError.Error() = %q", got)
	}
}

func TestPlainToken_keys(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"ACCESS_TOKEN":"a","token_type":"bearer"}`,
		`{"access_token":"a","access_token":"b","token_type":"bearer"}`,
		`{"access_token":"a","token_type":"bearer","refresh_expires_in":5}`,
		`{"access\u005ftoken":"a","token_type":"bearer"}`,
		`{"access_token":["a"],"token_type":"bearer"}`,
	} {
		r := &rawResponse{status: 200, header: http.Header{"Content-Type": {"application/json"}}, body: []byte(body)}
		if tok, ok := plainToken(r); ok {
			t.Errorf("plainToken(%s) = %+v, want the general path", body, tok)
		}
	}
	for _, tt := range []struct {
		body, ct      string
		access, scope string
		expiresIn     int64
	}{
		{`{"access_token":"a\"b","token_type":"Bearer","expires_in":"60","scope":"x, y"}`, "application/json; charset=utf-8", `a"b`, "x, y", 60},
		// Escaped backslashes before a closing quote end the string.
		{`{"access_token":"a\\","token_type":"Bearer","scope":"s"}`, "application/json", `a\`, "s", 0},
		{`{"access_token":"a\\\"\\","token_type":"Bearer","scope":"\"x\""}`, "application/json", `a\"\`, `"x"`, 0},
		{`{"access_token":"a","token_type":"Bearer","expires_in":3600.0}`, "application/json", "a", "", 3600},
	} {
		r := &rawResponse{status: 200, header: http.Header{"Content-Type": {tt.ct}}, body: []byte(tt.body)}
		if tok, ok := plainToken(r); !ok || tok.AccessToken != tt.access || tok.ExpiresIn != tt.expiresIn || tok.Scope != tt.scope {
			t.Errorf("plainToken(%s) = %+v, %v; want access token %q, scope %q, expires_in %d", tt.body, tok, ok, tt.access, tt.scope, tt.expiresIn)
		}
	}
}
