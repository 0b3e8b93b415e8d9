// Package testhttp holds the net/http set-up the module's tests share.
package testhttp

import "net/http"

// NoIdleDefaultConns makes http.DefaultTransport a clone that keeps no
// idle connections. Tests run in parallel, many of them through
// http.DefaultClient, and each httptest.Server's Close calls
// http.DefaultTransport.CloseIdleConnections: a connection that another
// test's request has just taken from the idle pool can then be closed
// under it after the request was written, and net/http does not send a
// POST again, so the test fails with "http: CloseIdleConnections called"
// for no fault of the code under test. Call it from TestMain.
func NoIdleDefaultConns() {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DisableKeepAlives = true
	http.DefaultTransport = t
}
