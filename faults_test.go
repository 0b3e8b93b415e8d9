package oauthkit_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
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

// faultEnv is an oauthtest server with one client and a session that holds
// a good token from it, for injecting faults afterwards.
type faultEnv struct {
	srv   *oauthtest.Server
	s     *oauthkit.Session
	good  *oauthkit.Token
	clock *faultClock
}

// faultClock is a settable clock for Config.Now.
type faultClock struct{ now atomic.Int64 }

func (c *faultClock) Now() time.Time          { return time.Unix(0, c.now.Load()) }
func (c *faultClock) Advance(d time.Duration) { c.now.Add(int64(d)) }

func newFaultEnv(t *testing.T) *faultEnv {
	t.Helper()
	srv := oauthtest.NewServer()
	t.Cleanup(srv.Close)
	client := srv.RegisterClient(oauthtest.Client{})
	clock := &faultClock{}
	clock.now.Store(time.Now().UnixNano())
	s, err := oauthkit.NewSession(oauthkit.Config{
		ClientID: client.ID, ClientSecret: client.Secret,
		TokenURL: srv.TokenURL(), RevocationURL: srv.RevocationURL(),
		IntrospectionURL: srv.IntrospectionURL(), DeviceAuthURL: srv.DeviceAuthorizationURL(),
		Retry: oauthkit.RetryPolicy{Disabled: true}, Now: clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	user := oauthtest.DefaultUser()
	good, err := s.FetchToken(t.Context(), oauthkit.Password(user.Username, user.Password))
	if err != nil {
		t.Fatal(err)
	}
	if good.RefreshToken == "" {
		t.Fatal("no refresh token to lose")
	}
	return &faultEnv{srv: srv, s: s, good: good, clock: clock}
}

// context returns the context of one faulty call, with fc's timeout.
func (e *faultEnv) context(t *testing.T, fc faultCase) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), fc.timeout())
	t.Cleanup(cancel)
	return ctx
}

// wantTokenKept fails the test unless the session still holds the good
// token with its refresh token.
func (e *faultEnv) wantTokenKept(t *testing.T) {
	t.Helper()
	got := e.s.Token()
	if got == nil || got.AccessToken != e.good.AccessToken || got.RefreshToken != e.good.RefreshToken {
		t.Errorf("token after the fault = %v, want the original", got)
	}
}

// ignoredByRevocation reports whether the fault is a 2xx answer whose body
// a revocation ignores: RFC 7009 section 2.2 makes any 2xx a success, and
// Session.Revoke documents that it reads the body only for an RFC 6749
// error object. A body over the size limit is still an error.
func (fc faultCase) ignoredByRevocation() bool {
	f := fc.fault
	return f.Status/100 == 2 && f.BodySize == 0 && !f.Hang && !f.Reset
}

// at adjusts the expectations of fc to an endpoint whose answers are not
// token responses: a 2xx object of the wrong member types is then a
// malformed answer of that endpoint.
func (fc faultCase) at(sentinel error) faultCase {
	if fc.wantIs == oauthkit.ErrInvalidTokenResponse {
		fc.wantIs = sentinel
	}
	return fc
}

// TestFaults_revocationEndpoint: a failed revocation gives a typed error
// naming the endpoint and the session keeps its token; a 2xx answer with a
// body that is not an error object is a success, and the revoked token
// leaves the session, as Session.Revoke documents.
func TestFaults_revocationEndpoint(t *testing.T) {
	for _, fc := range faultMatrix() {
		t.Run(fc.name, func(t *testing.T) {
			t.Parallel()
			e := newFaultEnv(t)
			e.srv.InjectFault(withEndpoint(fc.fault, oauthtest.RevocationEndpoint))
			err := e.s.Revoke(e.context(t, fc), "")
			if fc.ignoredByRevocation() {
				if err != nil {
					t.Fatalf("Revoke = %v, want success (RFC 7009 section 2.2)", err)
				}
				if got := e.s.Token(); got != nil {
					t.Errorf("token after revocation = %v, want none", got)
				}
				return
			}
			fc.check(t, err, "revocation")
			e.wantTokenKept(t)
		})
	}
}

// TestFaults_introspectionEndpoint: every fault gives a typed error naming
// the endpoint, never an Introspection, and the session keeps its token.
func TestFaults_introspectionEndpoint(t *testing.T) {
	for _, fc := range faultMatrix() {
		fc := fc.at(oauthkit.ErrInvalidIntrospection)
		t.Run(fc.name, func(t *testing.T) {
			t.Parallel()
			e := newFaultEnv(t)
			e.srv.InjectFault(withEndpoint(fc.fault, oauthtest.IntrospectionEndpoint))
			in, err := e.s.Introspect(e.context(t, fc), "")
			if in != nil {
				t.Errorf("Introspect = %v, want nil with the error", in)
			}
			fc.check(t, err, "introspection")
			e.wantTokenKept(t)
		})
	}
}

// TestFaults_deviceEndpoint: every fault of the device authorization
// endpoint gives a typed error naming it, never a DeviceAuthorization, and
// the session keeps its token.
func TestFaults_deviceEndpoint(t *testing.T) {
	for _, fc := range faultMatrix() {
		fc := fc.at(oauthkit.ErrInvalidDeviceAuthorization)
		t.Run(fc.name, func(t *testing.T) {
			t.Parallel()
			e := newFaultEnv(t)
			e.srv.InjectFault(withEndpoint(fc.fault, oauthtest.DeviceEndpoint))
			da, err := e.s.DeviceAuthorization(e.context(t, fc))
			if da != nil {
				t.Errorf("DeviceAuthorization = %v, want nil with the error", da)
			}
			fc.check(t, err, "device authorization")
			e.wantTokenKept(t)
		})
	}
}

// TestFaults_devicePolling: a fault of the token endpoint while polling
// ends the poll with a typed error naming the endpoint; a hang ends at
// the caller's deadline; a connection reset is a network failure, after
// which polling waits longer and goes on (RFC 8628 section 3.5), so one
// reset is survived. The session keeps its token until a poll succeeds.
func TestFaults_devicePolling(t *testing.T) {
	for _, fc := range faultMatrix() {
		t.Run(fc.name, func(t *testing.T) {
			t.Parallel()
			e := newFaultEnv(t)
			da, err := e.s.DeviceAuthorization(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if err := e.srv.ApproveDevice(da.UserCode); err != nil {
				t.Fatal(err)
			}
			da.Interval = 1 // the shortest RFC 8628 interval, to keep the test fast
			f := withEndpoint(fc.fault, oauthtest.TokenEndpoint)
			ctx := e.context(t, fc)
			if fc.fault.Hang {
				// Long enough for the first poll, which then hangs.
				c, cancel := context.WithTimeout(t.Context(), time.Second+fc.timeout())
				t.Cleanup(cancel)
				ctx = c
			}
			if fc.fault.Reset {
				f.Times = 1
			}
			e.srv.InjectFault(f)
			tok, err := e.s.PollDeviceToken(ctx, da)
			if fc.fault.Reset {
				if err != nil || tok == nil {
					t.Fatalf("PollDeviceToken after one reset = %v, %v, want a token", tok, err)
				}
				if n := e.srv.RequestCount(oauthtest.TokenEndpoint); n < 3 {
					t.Errorf("token endpoint requests = %d, want the first fetch and two polls", n)
				}
				return
			}
			if tok != nil {
				t.Errorf("PollDeviceToken = %v, want nil with the error", tok)
			}
			if fc.fault.Hang {
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("err = %v, want %v", err, context.DeadlineExceeded)
				}
			} else {
				fc.check(t, err, "token")
			}
			e.wantTokenKept(t)
		})
	}
}

// TestFaults_protectedResource: a request to a protected resource with an
// expired token triggers a refresh; when the token endpoint fails, the
// request fails with the refresh's typed error naming the token endpoint,
// nothing reaches the resource, and the session keeps its token.
func TestFaults_protectedResource(t *testing.T) {
	for _, fc := range faultMatrix() {
		t.Run(fc.name, func(t *testing.T) {
			t.Parallel()
			e := newFaultEnv(t)
			e.clock.Advance(2 * time.Hour) // past the token's one-hour lifetime
			e.srv.InjectFault(withEndpoint(fc.fault, oauthtest.TokenEndpoint))
			resp, err := e.s.Get(e.context(t, fc), e.srv.ResourceURL())
			if resp != nil {
				resp.Body.Close()
				t.Fatalf("Get = HTTP %d, want an error", resp.StatusCode)
			}
			if fc.fault.Hang {
				// The caller's deadline ends its wait; the renewal goes on
				// in the background until the server closes.
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("err = %v, want %v", err, context.DeadlineExceeded)
				}
				e.srv.Close()
			} else {
				fc.check(t, err, "token")
			}
			waitIdle(t, e.s)
			if n := e.srv.RequestCount(oauthtest.TokenEndpoint); n < 2 {
				t.Errorf("token endpoint requests = %d, want the fetch and a refresh", n)
			}
			if n := e.srv.RequestCount(oauthtest.ResourceEndpoint); n != 0 {
				t.Errorf("resource requests = %d, want 0", n)
			}
			e.wantTokenKept(t)
		})
	}
}
