package oauthkit_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// faultCase is one way an endpoint can misbehave.
type faultCase struct {
	name  string
	fault oauthtest.Fault
	// wantResp expects a *ResponseError, wantCode an *Error with that code.
	wantResp bool
	wantCode string
	wantIs   error
}

func faultMatrix() []faultCase {
	return []faultCase{
		{name: "500", fault: oauthtest.Fault{Status: 500, Body: []byte(`{"error":"server_error"}`)}, wantCode: "server_error"},
		{name: "502 html", fault: oauthtest.Fault{Status: 502, Body: []byte("<html><h1>502 Bad Gateway</h1></html>"), ContentType: "text/html"}, wantResp: true},
		{name: "html 200", fault: oauthtest.Fault{Status: 200, Body: []byte("<!doctype html><title>Sign in</title>"), ContentType: "text/html"}, wantResp: true},
		{name: "invalid json", fault: oauthtest.Fault{Status: 200, Body: []byte(`{"access_token": "a",`)}, wantResp: true},
		{name: "wrong shape", fault: oauthtest.Fault{Status: 200, Body: []byte(`[{"access_token":"a"}]`)}, wantResp: true},
		{name: "wrong member types", fault: oauthtest.Fault{Status: 200, Body: []byte(`{"access_token":{"x":1},"token_type":7}`)}, wantIs: oauthkit.ErrInvalidTokenResponse},
		{name: "10 MB", fault: oauthtest.Fault{Status: 200, BodySize: 10 << 20}, wantIs: oauthkit.ErrResponseTooLarge},
		{name: "hang", fault: oauthtest.Fault{Hang: true}, wantIs: context.DeadlineExceeded},
		{name: "reset", fault: oauthtest.Fault{Reset: true}},
	}
}

func (fc faultCase) check(t *testing.T, err error, endpoint string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if !strings.Contains(err.Error(), endpoint+" endpoint") {
		t.Errorf("error %q does not name the %s endpoint", err, endpoint)
	}
	if fc.wantResp {
		if _, ok := errors.AsType[*oauthkit.ResponseError](err); !ok {
			t.Errorf("err = %v, want *ResponseError", err)
		}
	}
	if fc.wantCode != "" {
		if e, ok := errors.AsType[*oauthkit.Error](err); !ok || e.Code != fc.wantCode {
			t.Errorf("err = %v, want *Error %q", err, fc.wantCode)
		}
	}
	if fc.wantIs != nil && !errors.Is(err, fc.wantIs) {
		t.Errorf("err = %v, want %v", err, fc.wantIs)
	}
}

// TestFaults_tokenEndpoint: every fault of the token endpoint gives a typed
// error naming the endpoint, for a fetch and for a refresh, and the
// session's token and refresh token survive a failed refresh.
func TestFaults_tokenEndpoint(t *testing.T) {
	for _, fc := range faultMatrix() {
		t.Run(fc.name, func(t *testing.T) {
			srv := oauthtest.NewServer()
			t.Cleanup(srv.Close)
			client := srv.RegisterClient(oauthtest.Client{})
			s, err := oauthkit.NewSession(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret, TokenURL: srv.TokenURL(),
				Retry: oauthkit.RetryPolicy{Disabled: true}})
			if err != nil {
				t.Fatal(err)
			}
			user := oauthtest.DefaultUser()
			good, err := s.FetchToken(t.Context(), oauthkit.Password(user.Username, user.Password))
			if err != nil {
				t.Fatal(err)
			}
			srv.InjectFault(withEndpoint(fc.fault, oauthtest.TokenEndpoint))

			ctx, cancel := context.WithTimeout(t.Context(), fc.timeout())
			defer cancel()
			_, err = s.FetchToken(ctx, oauthkit.Password(user.Username, user.Password))
			fc.check(t, err, "token")

			ctx2, cancel2 := context.WithTimeout(t.Context(), fc.timeout())
			defer cancel2()
			_, err = s.Refresh(ctx2)
			if fc.fault.Hang {
				// The caller's deadline ends its wait; the renewal itself
				// goes on in the background and fails on its own timeout.
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("refresh err = %v", err)
				}
				srv.Close()
			} else {
				fc.check(t, err, "token")
			}
			waitIdle(t, s)
			got := s.Token()
			if got == nil || got.AccessToken != good.AccessToken || got.RefreshToken != good.RefreshToken {
				t.Errorf("token after failures = %v, want the original", got)
			}
		})
	}
}

// timeout is short for a hanging server, where the deadline is the point,
// and generous otherwise, so a slow machine does not turn a fault into a
// timeout.
func (fc faultCase) timeout() time.Duration {
	if fc.fault.Hang {
		return 300 * time.Millisecond
	}
	return 10 * time.Second
}

func withEndpoint(f oauthtest.Fault, ep oauthtest.Endpoint) oauthtest.Fault {
	f.Endpoint = ep
	return f
}

// waitIdle waits until no renewal is in flight, so the test leaves no
// goroutine behind.
func waitIdle(t *testing.T, s *oauthkit.Session) {
	t.Helper()
	for i := 0; i < 200 && s.Renewing(); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if s.Renewing() {
		t.Fatal("renewal still in flight")
	}
}
