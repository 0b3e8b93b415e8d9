package web_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"

	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/web"
)

// A net/http app that logs users in with an OpenID Connect provider and
// shows who logged in; oauthtest plays the provider (and approves the
// login at once), an http.Client with a cookie jar plays the browser.
func ExampleLogin() {
	ctx := context.Background()
	op := oauthtest.NewServer()
	defer op.Close()
	mux := http.NewServeMux()
	app := httptest.NewServer(mux)
	defer app.Close()
	client := op.RegisterClient(oauthtest.Client{RedirectURIs: []string{app.URL + "/callback/op"}})

	login, err := web.NewLogin(web.Config{
		BaseURL: app.URL,
		Keys:    [][]byte{[]byte("use 32 random bytes, not a text!")},
		OnLogin: func(w http.ResponseWriter, r *http.Request, res *web.Result) (string, error) {
			// Create the app's session here; this app only says hello.
			return "/hello?name=" + url.QueryEscape(res.IDToken.Name), nil
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	_, err = login.Register(ctx, web.Provider{
		Name: "op", Issuer: op.URL, ClientID: client.ID, ClientSecret: client.Secret,
		Scopes: []string{"openid", "profile"},
	})
	if err != nil {
		log.Fatal(err)
	}
	mux.Handle("/", login.Handler()) // /login/op, /callback/op, /logout, ...
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "Hello, %s.", r.URL.Query().Get("name"))
	})

	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, app.URL+"/login/op", nil)
	resp, err := browser.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	fmt.Println(string(page))
	// Output: Hello, Alice.
}
