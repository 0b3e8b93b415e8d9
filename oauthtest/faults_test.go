package oauthtest_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit/oauthtest"
)

func TestInjectFault_cannedAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		fault      oauthtest.Fault
		wantStatus int
		wantType   string
		wantBody   string
		wantLen    int
	}{
		{
			name:       "status only",
			fault:      oauthtest.Fault{Status: 503, Header: http.Header{"Retry-After": {"7"}}},
			wantStatus: 503, wantType: "application/json",
		},
		{
			name:       "html page",
			fault:      oauthtest.Fault{Status: 502, Body: []byte("<html>bad gateway</html>"), ContentType: "text/html"},
			wantStatus: 502, wantType: "text/html", wantBody: "<html>bad gateway</html>",
		},
		{
			name:       "invalid json with 200",
			fault:      oauthtest.Fault{Body: []byte(`{"access_token":`)},
			wantStatus: 200, wantType: "application/json", wantBody: `{"access_token":`,
		},
		{
			name:       "huge body",
			fault:      oauthtest.Fault{BodySize: 3 << 20},
			wantStatus: 200, wantType: "application/json", wantLen: 3 << 20,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, nil)
			c := srv.RegisterClient(oauthtest.Client{})
			tc.fault.Endpoint = oauthtest.TokenEndpoint
			tc.fault.Times = 1
			srv.InjectFault(tc.fault)
			r := clientCredentials(t, srv, c, "")
			if r.status != tc.wantStatus || r.header.Get("Content-Type") != tc.wantType {
				t.Errorf("got HTTP %d %q; want %d %q", r.status, r.header.Get("Content-Type"), tc.wantStatus, tc.wantType)
			}
			if tc.wantBody != "" && string(r.raw) != tc.wantBody {
				t.Errorf("body = %q; want %q", r.raw, tc.wantBody)
			}
			if tc.wantLen != 0 && len(r.raw) != tc.wantLen {
				t.Errorf("body length = %d; want %d", len(r.raw), tc.wantLen)
			}
			for k := range tc.fault.Header {
				if r.header.Get(k) != tc.fault.Header.Get(k) {
					t.Errorf("header %s = %q; want %q", k, r.header.Get(k), tc.fault.Header.Get(k))
				}
			}
			wantToken(t, clientCredentials(t, srv, c, "")) // Times: 1 is used up
			if got := srv.RequestCount(oauthtest.TokenEndpoint); got != 2 {
				t.Errorf("RequestCount = %d; want 2", got)
			}
		})
	}
}

func TestInjectFault_order(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{})
	srv.InjectFault(oauthtest.Fault{Endpoint: oauthtest.TokenEndpoint, Status: 500, Times: 2})
	srv.InjectFault(oauthtest.Fault{Endpoint: oauthtest.TokenEndpoint, Status: 502, Times: 1})
	srv.InjectFault(oauthtest.Fault{Endpoint: oauthtest.ResourceEndpoint, Status: 418})
	var got []int
	for range 4 {
		got = append(got, clientCredentials(t, srv, c, "").status)
	}
	if want := []int{500, 500, 502, 200}; !equalInts(got, want) {
		t.Errorf("statuses = %v; want %v", got, want)
	}
	for range 2 {
		if r := get(t, srv, srv.ResourceURL(), ""); r.status != 418 {
			t.Errorf("resource fault with Times 0: HTTP %d; want 418", r.status)
		}
	}
	srv.ClearFaults()
	if r := get(t, srv, srv.ResourceURL(), ""); r.status != 401 {
		t.Errorf("after ClearFaults: HTTP %d; want 401", r.status)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestInjectFault_headerOnNormalAnswer(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{})
	srv.InjectFault(oauthtest.Fault{Endpoint: oauthtest.TokenEndpoint, Header: http.Header{"X-Test": {"1"}}, Delay: time.Millisecond})
	r := clientCredentials(t, srv, c, "")
	wantToken(t, r)
	if r.header.Get("X-Test") != "1" {
		t.Errorf("X-Test = %q; want 1", r.header.Get("X-Test"))
	}
}

func tokenRequest(ctx context.Context, t *testing.T, srv *oauthtest.Server) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.MetadataURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return srv.Client().Do(req)
}

func TestInjectFault_delayAndHang(t *testing.T) {
	t.Parallel()
	for _, f := range []oauthtest.Fault{{Delay: time.Hour}, {Hang: true}} {
		srv := newServer(t, nil)
		f.Endpoint = oauthtest.DiscoveryEndpoint
		srv.InjectFault(f)
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		resp, err := tokenRequest(ctx, t, srv)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			if resp != nil {
				resp.Body.Close()
			}
			t.Errorf("fault %+v: got %v; want context.DeadlineExceeded", f, err)
		}
	}
}

func TestInjectFault_hangEndsOnClose(t *testing.T) {
	t.Parallel()
	srv := oauthtest.NewServer()
	srv.InjectFault(oauthtest.Fault{Endpoint: oauthtest.DiscoveryEndpoint, Hang: true})
	errc := make(chan error, 1)
	go func() {
		resp, err := tokenRequest(context.Background(), t, srv)
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		errc <- err
	}()
	for srv.RequestCount(oauthtest.DiscoveryEndpoint) == 0 {
		time.Sleep(time.Millisecond)
	}
	closed := make(chan struct{})
	go func() { srv.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close blocked on a hanging request")
	}
	<-errc
}

func TestInjectFault_reset(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	srv.InjectFault(oauthtest.Fault{Endpoint: oauthtest.DiscoveryEndpoint, Reset: true})
	resp, err := tokenRequest(t.Context(), t, srv)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("reset fault answered HTTP %d; want a transport error", resp.StatusCode)
	}
}

func TestInjectFault_resetTLS(t *testing.T) {
	t.Parallel()
	srv := oauthtest.NewTLSServer()
	t.Cleanup(srv.Close)
	srv.InjectFault(oauthtest.Fault{Endpoint: oauthtest.DiscoveryEndpoint, Reset: true, Times: 1})
	if resp, err := tokenRequest(t.Context(), t, srv); err == nil {
		resp.Body.Close()
		t.Fatalf("reset fault answered HTTP %d; want a transport error", resp.StatusCode)
	}
	resp, err := tokenRequest(t.Context(), t, srv)
	if err != nil {
		t.Fatalf("after the reset: %v", err)
	}
	resp.Body.Close()
}
