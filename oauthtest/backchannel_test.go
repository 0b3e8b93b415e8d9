package oauthtest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
)

func TestBackChannelLogout(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var posted []string
	rp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		mu.Lock()
		posted = append(posted, r.PostForm.Get("logout_token"))
		mu.Unlock()
	}))
	t.Cleanup(rp.Close)
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{BackChannelLogoutURI: rp.URL, FrontChannelLogoutURI: "https://app.example/fc?x=1"})
	tok := post(t, srv, srv.TokenURL(), c, url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"wonderland"}, "scope": {"openid"}})
	idt, err := jose.Verify(t.Context(), tok.str("id_token"), srv.PublicKeys(), jose.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var id struct {
		Sid string `json:"sid"`
	}
	if err := json.Unmarshal(idt.Payload, &id); err != nil || id.Sid == "" {
		t.Fatalf("ID token %s has no sid", idt.Payload)
	}
	want := "https://app.example/fc?x=1&" + url.Values{"iss": {srv.URL}, "sid": {id.Sid}}.Encode()
	if got := srv.FrontChannelLogoutURL(c.ID, id.Sid); got != want {
		t.Errorf("FrontChannelLogoutURL = %q; want %q", got, want)
	}

	srv.InjectJWTFault(oauthtest.JWTFault{Kind: oauthtest.LogoutTokenJWT, Replay: true, Times: 1})
	ds := srv.BackChannelLogout(t.Context(), oauthtest.BackChannelLogoutRequest{})
	if len(ds) != 2 || ds[0].Token != ds[1].Token || ds[0].StatusCode != 200 {
		t.Fatalf("deliveries = %+v; want the same token twice", ds)
	}
	v, err := jose.Verify(t.Context(), posted[0], srv.PublicKeys(), jose.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	_ = json.Unmarshal(v.Payload, &claims)
	events, _ := claims["events"].(map[string]any)
	if claims["aud"] != c.ID || claims["sid"] != id.Sid || claims["sub"] != "user-1" || claims["jti"] == nil || claims["nonce"] != nil ||
		events["http://schemas.openid.net/event/backchannel-logout"] == nil || v.Header.Type != "logout+jwt" {
		t.Errorf("logout token %s (typ %q); want aud, sid, sub, jti, the event and no nonce", v.Payload, v.Header.Type)
	}
	// The session ended: its tokens are revoked and a second logout has
	// nothing to post.
	if r := post(t, srv, srv.IntrospectionURL(), c, url.Values{"token": {tok.str("access_token")}}); r.body["active"] != false {
		t.Errorf("access token of the ended session: %v; want inactive", r.body)
	}
	if ds := srv.BackChannelLogout(t.Context(), oauthtest.BackChannelLogoutRequest{}); len(ds) != 0 {
		t.Errorf("second logout posted %+v", ds)
	}
}
