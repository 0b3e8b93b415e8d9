package oauthkit

import (
	"context"
	"errors"
	"net/url"
	"testing"
)

// fakeJARM "verifies" a response by parsing it as a query string, or
// fails with err.
type fakeJARM struct{ err error }

func (f fakeJARM) VerifyResponseJWT(_ context.Context, response string) (url.Values, error) {
	if f.err != nil {
		return nil, f.err
	}
	return url.ParseQuery(response)
}

func TestExchangeAuthorizationResponse_jarm(t *testing.T) {
	t.Parallel()
	errBad := errors.New("bad signature")
	tests := []struct {
		name     string
		verifier JARMVerifier
		callback func(state string) string
		wantErr  error
		wantCode string
	}{
		{name: "verified", verifier: fakeJARM{}, callback: func(st string) string {
			return "https://app.example/cb?response=" + url.QueryEscape("code=c1&state="+st+"&iss=https://as.example")
		}},
		{name: "fragment", verifier: fakeJARM{}, callback: func(st string) string {
			return "https://app.example/cb#response=" + url.QueryEscape("code=c1&state="+st)
		}},
		{name: "plain response refused", verifier: fakeJARM{}, callback: func(st string) string {
			return "https://app.example/cb?code=c1&state=" + st
		}, wantErr: ErrJARMRequired},
		{name: "no verifier", callback: func(st string) string {
			return "https://app.example/cb?response=x"
		}, wantErr: ErrJARMRequired},
		{name: "verification fails", verifier: fakeJARM{err: errBad}, callback: func(st string) string {
			return "https://app.example/cb?response=x"
		}, wantErr: errBad},
		{name: "state inside checked", verifier: fakeJARM{}, callback: func(st string) string {
			return "https://app.example/cb?response=" + url.QueryEscape("code=c1&state=other")
		}, wantErr: ErrStateMismatch},
		{name: "iss inside checked", verifier: fakeJARM{}, callback: func(st string) string {
			return "https://app.example/cb?response=" + url.QueryEscape("code=c1&state="+st+"&iss=https://evil.example")
		}, wantErr: ErrAuthorizationIssuerMismatch},
		{name: "error inside", verifier: fakeJARM{}, callback: func(st string) string {
			return "https://app.example/cb?response=" + url.QueryEscape("error=access_denied&state="+st)
		}, wantCode: ErrorCodeAccessDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tokenEP := newFake(t, tokenJSON("at", "", 0))
			s := mustSession(t, Config{ClientID: "cid", AuthURL: "https://as.example/authorize", TokenURL: tokenEP.URL,
				Issuer: "https://as.example", JARMVerifier: tt.verifier})
			ar, err := s.AuthorizationURL(WithResponseMode(ResponseModeJWT))
			if err != nil {
				t.Fatal(err)
			}
			if ar.ResponseMode != "jwt" || mustQuery(t, ar.URL).Get("response_mode") != "jwt" {
				t.Fatalf("request %v; want response_mode jwt", ar)
			}
			tok, err := s.ExchangeAuthorizationResponse(t.Context(), tt.callback(ar.State), *ar)
			switch {
			case tt.wantErr == nil && tt.wantCode == "":
				if err != nil || tok.AccessToken != "at" {
					t.Fatalf("exchange = %v, %v; want the token", tok, err)
				}
				if got := tokenEP.last(t).Form.Get("code"); got != "c1" {
					t.Errorf("code redeemed = %q; want c1 from the response JWT", got)
				}
				return
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Errorf("exchange error = %v; want %v", err, tt.wantErr)
			case tt.wantCode != "":
				if e, ok := errors.AsType[*Error](err); !ok || e.Code != tt.wantCode {
					t.Errorf("exchange error = %v; want *Error %q", err, tt.wantCode)
				}
			}
			if n := tokenEP.count.Load(); n != 0 {
				t.Errorf("token requests = %d; want none", n)
			}
		})
	}
}
