package oidc

import (
	"errors"
	"net/http"
	"testing"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/jose"
)

// userInfoTest is one case of TestProvider_UserInfo.
type userInfoTest struct {
	name        string
	status      int
	contentType string
	body        func(t *testing.T, base string) string
	token       string
	sub         string
	cfg         ProviderConfig
	wantErr     error // nil and wantResp false: success
	wantResp    bool  // want a userinfo *oauthkit.ResponseError
	wantSigned  bool
}

func (tc userInfoTest) run(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	srv := newServer(t, mux)
	mux.HandleFunc("GET /userinfo", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer at-1" {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", tc.contentType)
		w.WriteHeader(cmpOr(tc.status, http.StatusOK))
		_, _ = w.Write([]byte(tc.body(t, srv.URL)))
	})
	mux.HandleFunc("GET /jwks", jsonHandler(t, publicSet(testES256())))
	cfg := tc.cfg
	cfg.Algorithms = []string{jose.ES256}
	p, err := NewProviderFromMetadata(&Metadata{Issuer: srv.URL, UserInfoEndpoint: srv.URL + "/userinfo", JWKSURL: srv.URL + "/jwks"}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ui, err := p.UserInfo(t.Context(), &oauthkit.Token{AccessToken: cmpOr(tc.token, "at-1")}, tc.sub)
	if tc.wantResp {
		var re *oauthkit.ResponseError
		if !errors.As(err, &re) || re.Endpoint != "userinfo" {
			t.Fatalf("UserInfo() = %v, want a userinfo ResponseError", err)
		}
		return
	}
	if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
		t.Fatalf("UserInfo() = %v, want %v", err, tc.wantErr)
	}
	if err != nil {
		return
	}
	if ui.Subject != "user-1" || ui.Email != "a@example.com" || ui.Signed != tc.wantSigned {
		t.Errorf("UserInfo() = %+v", ui)
	}
	var all map[string]any
	if err := ui.Claims(&all); err != nil || all["sub"] != "user-1" {
		t.Errorf("Claims() = %v, %v", err, all)
	}
}

func cmpOr[T comparable](a, b T) T {
	var zero T
	if a != zero {
		return a
	}
	return b
}

func TestProvider_UserInfo(t *testing.T) {
	t.Parallel()
	text := func(s string) func(*testing.T, string) string {
		return func(*testing.T, string) string { return s }
	}
	jwt := func(key func() *jose.Key, iss string, extra map[string]any) func(*testing.T, string) string {
		return func(t *testing.T, base string) string {
			c := map[string]any{"sub": "user-1", "email": "a@example.com"}
			switch iss {
			case "":
			case "self":
				c["iss"] = base
			default:
				c["iss"] = iss
			}
			for k, v := range extra {
				c[k] = v
			}
			return sign(t, key(), c)
		}
	}
	withClient := ProviderConfig{ClientID: testClientID}
	tests := []userInfoTest{
		{name: "json", contentType: "application/json", body: text(`{"sub":"user-1","email":"a@example.com","email_verified":"true"}`), sub: "user-1"},
		{name: "json without expected subject", contentType: "application/json", body: text(`{"sub":"user-1","email":"a@example.com"}`)},
		{name: "sub mismatch", contentType: "application/json", body: text(`{"sub":"user-2"}`), sub: "user-1", wantErr: ErrSubjectMismatch},
		{name: "no sub", contentType: "application/json", body: text(`{"email":"a@example.com"}`), wantErr: ErrMissingClaim},
		{name: "malformed", contentType: "application/json", body: text(`{"sub":1}`), wantErr: ErrMalformedClaims},
		{name: "unauthorized", token: "wrong", contentType: "application/json", body: text(`{}`), wantResp: true},
		{name: "server error", status: 500, contentType: "application/json", body: text(`{}`), wantResp: true},
		{name: "html", contentType: "text/html", body: text(`<html></html>`), wantResp: true},
		{name: "jwt", contentType: "application/jwt", body: jwt(testES256, "", nil), sub: "user-1", wantSigned: true},
		{name: "jwt with iss and aud", contentType: "application/jwt", body: jwt(testES256, "self", map[string]any{"aud": testClientID}), cfg: withClient, sub: "user-1", wantSigned: true},
		{name: "jwt wrong iss", contentType: "application/jwt", body: jwt(testES256, "https://evil.example", nil), wantErr: ErrInvalidIssuer},
		{name: "jwt wrong aud", contentType: "application/jwt", body: jwt(testES256, "", map[string]any{"aud": "other"}), cfg: withClient, wantErr: ErrInvalidAudience},
		{name: "jwt aud without client id", contentType: "application/jwt", body: jwt(testES256, "", map[string]any{"aud": testClientID}), wantErr: ErrInvalidAudience},
		{name: "jwt bad signature", contentType: "application/jwt", body: jwt(testES256b, "", nil), wantErr: ErrInvalidSignature},
		{name: "jwt sub mismatch", contentType: "application/jwt", body: jwt(testES256, "", nil), sub: "user-2", wantErr: ErrSubjectMismatch},
	}
	for _, tc := range tests {
		t.Run(tc.name, tc.run)
	}
}

func TestProvider_UserInfo_noEndpoint(t *testing.T) {
	t.Parallel()
	p, err := NewProviderFromMetadata(&Metadata{Issuer: testIssuer}, ProviderConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UserInfo(t.Context(), &oauthkit.Token{AccessToken: "a"}, ""); !errors.Is(err, ErrInvalidMetadata) {
		t.Errorf("UserInfo() = %v, want ErrInvalidMetadata", err)
	}
}
