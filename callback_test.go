package oauthkit

import (
	"errors"
	"testing"
)

func TestExchangeAuthorizationResponse(t *testing.T) {
	t.Parallel()
	const cb = "https://app.example/cb"
	good := AuthorizationRequest{State: "xyz", CodeVerifier: GenerateCodeVerifier(), RedirectURL: cb}
	tests := []struct {
		name     string
		cfg      Config
		ar       AuthorizationRequest
		callback string
		wantErr  error
		wantCode string
		wantSent bool
	}{
		{name: "ok", ar: good, callback: cb + "?code=c1&state=xyz", wantSent: true},
		{name: "fragment response mode", ar: good, callback: cb + "#code=c1&state=xyz", wantSent: true},
		{name: "state mismatch", ar: good, callback: cb + "?code=c1&state=evil", wantErr: ErrStateMismatch},
		{name: "state missing", ar: good, callback: cb + "?code=c1", wantErr: ErrStateMismatch},
		{name: "no saved state", ar: AuthorizationRequest{}, callback: cb + "?code=c1&state=", wantErr: ErrStateMismatch},
		{name: "error response", ar: good, callback: cb + "?error=access_denied&error_description=no+thanks&state=xyz", wantCode: ErrorCodeAccessDenied},
		{name: "missing code", ar: good, callback: cb + "?state=xyz", wantErr: ErrMissingCode},
		{name: "iss matches", cfg: Config{Issuer: "https://as.example"}, ar: good, callback: cb + "?code=c1&state=xyz&iss=https%3A%2F%2Fas.example", wantSent: true},
		{name: "iss mismatch", cfg: Config{Issuer: "https://as.example"}, ar: good, callback: cb + "?code=c1&state=xyz&iss=https%3A%2F%2Fevil.example", wantErr: ErrAuthorizationIssuerMismatch},
		{name: "iss required and missing", cfg: Config{Issuer: "https://as.example", RequireIssuerParameter: true}, ar: good, callback: cb + "?code=c1&state=xyz", wantErr: ErrAuthorizationIssuerMismatch},
		{name: "iss on error response checked", cfg: Config{Issuer: "https://as.example"}, ar: good, callback: cb + "?error=access_denied&state=xyz&iss=https%3A%2F%2Fevil.example", wantErr: ErrAuthorizationIssuerMismatch},
		{name: "insecure callback", ar: good, callback: "http://app.example/cb?code=c1&state=xyz", wantErr: ErrInsecureTransport},
		{name: "loopback callback", ar: good, callback: "http://127.0.0.1:8080/cb?code=c1&state=xyz", wantSent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, tokenJSON("at", "rt", 3600))
			cfg := tt.cfg
			cfg.TokenURL = srv.URL
			s := mustSession(t, cfg)
			tok, err := s.ExchangeAuthorizationResponse(t.Context(), tt.callback, tt.ar)
			sent := srv.count.Load() > 0
			if sent != tt.wantSent {
				t.Errorf("token request sent = %v, want %v", sent, tt.wantSent)
			}
			if tt.wantSent {
				if err != nil {
					t.Fatal(err)
				}
				r := srv.last(t)
				if r.Form.Get("code") != "c1" || r.Form.Get("code_verifier") != tt.ar.CodeVerifier || r.Form.Get("redirect_uri") != cb || r.Form.Get("grant_type") != "authorization_code" {
					t.Errorf("exchange form = %v", r.Form)
				}
				if tok.AccessToken != "at" || s.Token().RefreshToken != "rt" {
					t.Errorf("token = %v", tok)
				}
				return
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.wantCode != "" {
				e, ok := errors.AsType[*Error](err)
				if !ok || e.Code != tt.wantCode || e.Endpoint != "authorization" || e.Description != "no thanks" {
					t.Errorf("err = %#v, want *Error %q", err, tt.wantCode)
				}
			}
		})
	}
}

func TestExchangeAuthorizationResponse_implicit(t *testing.T) {
	t.Parallel()
	srv := newFake(t, tokenJSON("never", "", 0))
	clk := newClock()
	s := mustSession(t, Config{TokenURL: srv.URL, Now: clk.Now})
	ar := AuthorizationRequest{State: "xyz", ResponseType: "token"}
	tok, err := s.ExchangeAuthorizationResponse(t.Context(), "https://example.com/cb#access_token=2YotnFZ&state=xyz&token_type=bearer&expires_in=3600", ar)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "2YotnFZ" || tok.ExpiresIn != 3600 || !tok.ExpiresAt.Equal(clk.Now().Add(3600e9)) {
		t.Errorf("token = %v", tok)
	}
	if srv.count.Load() != 0 {
		t.Error("implicit grant called the token endpoint")
	}
	if _, err := s.ExchangeAuthorizationResponse(t.Context(), "https://example.com/cb#access_token=x&state=bad&token_type=bearer", ar); !errors.Is(err, ErrStateMismatch) {
		t.Errorf("implicit state mismatch: err = %v", err)
	}
	if _, err := s.ExchangeAuthorizationResponse(t.Context(), "https://example.com/cb#state=xyz&token_type=bearer", ar); !errors.Is(err, ErrMissingAccessToken) || errors.Is(err, ErrInvalidTokenResponse) {
		t.Errorf("implicit without token: err = %v, want ErrMissingAccessToken only", err)
	}
	if _, err := s.ExchangeAuthorizationResponse(t.Context(), "https://example.com/cb#access_token=x&state=xyz", ar); !errors.Is(err, ErrInvalidTokenResponse) {
		t.Errorf("implicit without token_type: err = %v, want ErrInvalidTokenResponse", err)
	}
}

func TestParseAuthorizationResponse(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{"https://x/cb?code=a&state=b", "https://x/cb#code=a&state=b", "https://x/cb?other=1#code=a&state=b"} {
		v, err := ParseAuthorizationResponse(raw)
		if err != nil || v.Get("code") != "a" || v.Get("state") != "b" {
			t.Errorf("ParseAuthorizationResponse(%q) = %v, %v", raw, v, err)
		}
	}
	if _, err := ParseAuthorizationResponse("https://x/cb?code=%zz"); err == nil {
		t.Error("malformed query accepted")
	}
}
