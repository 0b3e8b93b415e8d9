package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/web"
)

// userInfoClient registers a plain OAuth 2.0 provider whose userinfo
// endpoint is userInfo.
func userInfoClient(t *testing.T, userInfo string, timeout time.Duration) *web.Client {
	t.Helper()
	l, err := web.NewLogin(web.Config{BaseURL: "http://127.0.0.1:1", Keys: [][]byte{make([]byte, 32)},
		OnLogin: func(http.ResponseWriter, *http.Request, *web.Result) (string, error) { return "", nil }})
	if err != nil {
		t.Fatal(err)
	}
	c, err := l.Register(context.Background(), web.Provider{Name: "p", ClientID: "cid", ClientSecret: "cs",
		AuthURL: userInfo, TokenURL: userInfo, UserInfoURL: userInfo, Session: oauthkit.Config{EndpointTimeout: timeout}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestClient_UserInfo_redirect: the bearer token follows a redirect only
// within the endpoint's origin, as in oidc.Provider.UserInfo.
func TestClient_UserInfo_redirect(t *testing.T) {
	t.Parallel()
	var leaked string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"sub":"mallory"}`))
	}))
	defer other.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer AT" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"sub":"alice"}`))
	})
	mux.HandleFunc("/same", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/moved", http.StatusFound) })
	mux.HandleFunc("/away", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/userinfo", http.StatusTemporaryRedirect)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	tok := &oauthkit.Token{AccessToken: "AT", TokenType: "Bearer"}
	m, err := userInfoClient(t, srv.URL+"/same", 0).UserInfo(context.Background(), tok, "")
	if err != nil || m["sub"] != "alice" {
		t.Errorf("same-origin redirect: UserInfo = %v, %v; want sub alice", m, err)
	}
	m, err = userInfoClient(t, srv.URL+"/away", 0).UserInfo(context.Background(), tok, "")
	if !errors.Is(err, oauthkit.ErrRedirect) || m != nil {
		t.Errorf("cross-origin redirect: UserInfo = %v, %v; want ErrRedirect", m, err)
	}
	if leaked != "" {
		t.Errorf("the other origin received %q", leaked)
	}
}

// TestClient_UserInfo_timeout: without a deadline in ctx, a server that
// never answers is given up after the provider's EndpointTimeout.
func TestClient_UserInfo_timeout(t *testing.T) {
	t.Parallel()
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(stop)
	_, err := userInfoClient(t, srv.URL+"/userinfo", 50*time.Millisecond).UserInfo(context.Background(),
		&oauthkit.Token{AccessToken: "AT", TokenType: "Bearer"}, "")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("UserInfo = %v; want context.DeadlineExceeded", err)
	}
}
