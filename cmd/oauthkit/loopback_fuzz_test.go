package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// FuzzLoopback sends arbitrary requests to the loopback redirect listener,
// which any local program or web page can reach: only the answer to the
// login in progress (its one state and a code or an error, or a JWT
// response when one was asked for) reaches the login, with its parameters
// unchanged; everything else gets the fixed 400 page.
func FuzzLoopback(f *testing.F) {
	f.Add("GET", "code=c&state=S", "", false)
	f.Add("GET", "error=access_denied&state=S&error_description=%3Cb%3E", "", false)
	f.Add("POST", "", "code=c&state=S", false)
	f.Add("GET", "code=c&state=S&state=T", "", false)
	f.Add("GET", "code=c&state=%zz&state=S", "", false)
	f.Add("GET", "code=c&state=s", "", false)
	f.Add("GET", "state=S", "", false)
	f.Add("POST", "state=S&code=c", "response=e.y.j", true)
	f.Add("GET", "response=e.y.j&response=x", "", true)
	f.Fuzz(func(t *testing.T, method, query, body string, jwt bool) {
		if method != http.MethodPost {
			method = http.MethodGet
		}
		lb := &loopback{redirect: "http://127.0.0.1:1" + loopbackPath, got: make(chan callback)}
		lb.expect("S")
		lb.jwt.Store(jwt)
		req := httptest.NewRequest(method, loopbackPath, strings.NewReader(body))
		req.URL.RawQuery = query
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() {
			defer close(done)
			lb.handle(rec, req)
		}()
		select {
		case cb := <-lb.got:
			cb.reply <- nil
			<-done
			u, err := url.Parse(cb.url)
			if err != nil || u.Scheme+"://"+u.Host+u.Path != lb.redirect {
				t.Fatalf("callback URL %q (%v)", cb.url, err)
			}
			q := u.Query()
			sent := query
			if method == http.MethodPost {
				sent = body
			}
			if want, _ := url.ParseQuery(sent); !reflect.DeepEqual(q, want) {
				t.Fatalf("callback URL %q does not carry the parameters of %q", cb.url, sent)
			}
			jarm := jwt && len(q["response"]) == 1 && q.Get("response") != ""
			if !jarm && (len(q["state"]) != 1 || q.Get("state") != "S" || (q.Get("code") == "" && q.Get("error") == "")) {
				t.Fatalf("%s %q %q reached the login as %q", method, query, body, cb.url)
			}
			if rec.Code != http.StatusOK {
				t.Fatalf("accepted callback answered %d", rec.Code)
			}
		case <-done:
			if rec.Code != http.StatusBadRequest || strings.Contains(rec.Body.String(), "<script") {
				t.Fatalf("refused callback answered %d: %s", rec.Code, rec.Body.String())
			}
		}
	})
}
