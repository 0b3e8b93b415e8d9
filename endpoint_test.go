package oauthkit

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
)

// countingConn counts the writes to a connection.
type countingConn struct {
	net.Conn
	writes *atomic.Int32
}

func (c countingConn) Write(b []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(b)
}

// TestTokenRequest_onePacket checks that a token request leaves in one
// write: net/http flushes the headers on their own before a body it does
// not know to be in memory, which costs a packet and a wake-up of the
// server per request.
func TestTokenRequest_onePacket(t *testing.T) {
	t.Parallel()
	srv := newFake(t, tokenJSON("a", "", 0))
	var writes atomic.Int32
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return countingConn{c, &writes}, nil
	}}
	t.Cleanup(tr.CloseIdleConnections)
	s := mustSession(t, Config{TokenURL: srv.URL, HTTPClient: &http.Client{Transport: tr}})
	for range 2 {
		writes.Store(0)
		if _, err := s.FetchToken(t.Context(), nil); err != nil {
			t.Fatal(err)
		}
		if n := writes.Load(); n != 1 {
			t.Errorf("token request written in %d writes; want 1", n)
		}
	}
}
