package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/oauthkit/oauthkit/dpop"
	"github.com/oauthkit/oauthkit/oauthtest"
	"github.com/oauthkit/oauthkit/web"
)

// TestLogin_dpop: with Session.DPoP and no key, the login's token, its
// userinfo request and the sessions of Client.Session share one key: the
// userinfo request carries the DPoP-bound token with a proof, never as a
// bearer token, and the token the app keeps works at the resource.
func TestLogin_dpop(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		provider func(*web.Provider)
	}{
		{"openid connect", func(p *web.Provider) { p.FetchUserInfo = true }},
		{"plain oauth", func(p *web.Provider) {
			base := p.Issuer
			p.Issuer, p.Scopes = "", []string{"profile"}
			p.AuthURL, p.TokenURL, p.UserInfoURL = base+"/authorize", base+"/token", base+"/userinfo"
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := newApp(t, appOptions{
				op: func(s *oauthtest.Server) { s.RequireDPoP = true },
				provider: func(p *web.Provider) {
					p.Session.DPoP = &dpop.Config{}
					tc.provider(p)
				},
			})
			got := newBrowser(t, a).get(a.srv.URL + "/login/op?next=/profile")
			if got.body != "profile of user-1" {
				t.Fatalf("login ended on %s: %d %q; ErrorHandler saw %v", got.url, got.status, got.body, a.lastError())
			}
			res := a.lastResult()
			if res.Token.TokenType != "DPoP" || res.UserInfo["sub"] != "user-1" {
				t.Errorf("Result: token type %q, userinfo %v; want a DPoP token and the claims of user-1", res.Token.TokenType, res.UserInfo)
			}
			c, _ := a.login.Client("op")
			if info, err := c.UserInfo(t.Context(), res.Token, "user-1"); err != nil || info["sub"] != "user-1" {
				t.Errorf("Client.UserInfo = %v, %v; want the claims of user-1", info, err)
			}
			for _, r := range a.op.Requests() {
				if r.Endpoint == oauthtest.UserInfoEndpoint && (!strings.HasPrefix(r.Header.Get("Authorization"), "DPoP ") || r.Header.Get("DPoP") == "") {
					t.Errorf("userinfo request: Authorization %q, DPoP proof %t; want the DPoP scheme with a proof", r.Header.Get("Authorization"), r.Header.Get("DPoP") != "")
				}
			}
			s, err := c.Session(res.Token, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := s.Get(t.Context(), a.op.ResourceURL())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("the login's token through Client.Session: HTTP %d; want 200", resp.StatusCode)
			}
		})
	}
}
