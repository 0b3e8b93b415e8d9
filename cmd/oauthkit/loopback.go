package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"
)

// loopbackPath is the path of the redirect URI the loopback listener
// serves.
const loopbackPath = "/callback"

// callback is an authorization response that reached the loopback
// listener; the login answers on reply whether it succeeded, so that the
// browser page can say so.
type callback struct {
	url   string
	reply chan error
}

// loopback receives the authorization response on a loopback redirect
// URI (RFC 8252 section 7.3): http://127.0.0.1:PORT/callback.
//
// Only the provider's answer to this login ends the wait (a JWT-secured
// response, whose state is inside it, is taken to the session to verify):
// a request whose state is not the login's (a stale tab, a bare GET, another program on the
// port) or that carries neither code nor error gets a 400 page, and the
// listener keeps waiting.
type loopback struct {
	redirect string
	srv      *http.Server
	ln       net.Listener
	got      chan callback
	// state is the state of the authorization request in progress; set
	// it before the browser opens.
	state atomic.Pointer[string]
	// jwt says the login asked for a JWT-secured response (JARM).
	jwt atomic.Bool
}

// listenLoopback listens on 127.0.0.1:port; port 0 picks a free one.
func listenLoopback(port int) (*loopback, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return nil, localError{fmt.Errorf("listening for the redirect: %w", err)}
	}
	lb := &loopback{
		redirect: "http://" + ln.Addr().String() + loopbackPath,
		ln:       ln,
		got:      make(chan callback),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+loopbackPath, lb.handle)
	mux.HandleFunc("POST "+loopbackPath, lb.handle) // response_mode=form_post
	lb.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = lb.srv.Serve(ln) }()
	return lb, nil
}

// expect sets the state of the login in progress.
func (lb *loopback) expect(state string) { lb.state.Store(&state) }

// belongs reports whether q is the provider's answer to the login in
// progress: its state, and a code or an error.
func (lb *loopback) belongs(q url.Values) bool {
	want := lb.state.Load()
	if want != nil && *want != "" && lb.jwt.Load() && jarmResponse(q) {
		return true
	}
	if want == nil || *want == "" || len(q["state"]) != 1 {
		return false
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(*want)) != 1 {
		return false
	}
	return q.Get("code") != "" || q.Get("error") != ""
}

func (lb *loopback) handle(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	q := callbackParams(r)
	if !lb.belongs(q) {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, page, "Not this login", "This page is not the answer to the login in progress "+
			"(its state is wrong or missing). The terminal is still waiting: finish the login in the tab it opened, "+
			"or start it again.")
		return
	}
	cb := callback{url: lb.redirect + "?" + q.Encode(), reply: make(chan error, 1)}
	select {
	case lb.got <- cb:
	case <-r.Context().Done():
		return
	}
	var err error
	select {
	case err = <-cb.reply:
	case <-r.Context().Done():
		return
	case <-time.After(time.Minute):
		err = errors.New("timed out")
	}
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, page, "Login failed", html.EscapeString(trimPrefix(err.Error())))
		return
	}
	fmt.Fprintf(w, page, "Logged in", "You can close this window and return to the terminal.")
}

const page = `<!doctype html><meta charset="utf-8"><title>oauthkit</title>
<body style="font-family:sans-serif;margin:3em"><h1>%s</h1><p>%s</p></body>
`

// wait returns the next authorization response, or ctx's error.
func (lb *loopback) wait(ctx context.Context) (callback, error) {
	select {
	case cb := <-lb.got:
		return cb, nil
	case <-ctx.Done():
		return callback{}, context.Cause(ctx)
	}
}

// close stops the listener after the browser got its page.
func (lb *loopback) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := lb.srv.Shutdown(ctx); err != nil {
		_ = lb.srv.Close()
	}
}

// openBrowser opens u in the user's browser.
func openBrowser(u string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", u)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", u)
	default:
		cmd = exec.Command("xdg-open", u)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return nil
}
