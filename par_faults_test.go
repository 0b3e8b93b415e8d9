package oauthkit_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// TestFaults_pushedAuthorizationEndpoint: every fault of the PAR endpoint
// gives a typed error naming it, and no authorization URL to send the
// user to; a redirect is not followed.
func TestFaults_pushedAuthorizationEndpoint(t *testing.T) {
	cases := append(faultMatrix(), faultCase{name: "redirect",
		fault:  oauthtest.Fault{Status: http.StatusFound, Header: http.Header{"Location": {"https://evil.example/par"}}, Body: []byte{}},
		wantIs: oauthkit.ErrRedirect, wantResp: true})
	for _, fc := range cases {
		fc := fc.at(oauthkit.ErrInvalidPushedAuthResponse)
		t.Run(fc.name, func(t *testing.T) {
			t.Parallel()
			srv := oauthtest.NewServer()
			t.Cleanup(srv.Close)
			client := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{"https://app.example/cb"}})
			s, err := oauthkit.NewSession(oauthkit.Config{ClientID: client.ID, ClientSecret: client.Secret,
				AuthURL: srv.AuthorizationURL(), PushedAuthURL: srv.PushedAuthorizationURL(), RedirectURL: "https://app.example/cb"})
			if err != nil {
				t.Fatal(err)
			}
			srv.InjectFault(withEndpoint(fc.fault, oauthtest.PushedAuthorizationEndpoint))
			ar, err := s.PushAuthorizationRequest((&faultEnv{}).context(t, fc))
			if ar != nil {
				t.Errorf("PushAuthorizationRequest = %v; want no request with the error", ar)
			}
			fc.check(t, err, "pushed authorization")
			if errors.Is(err, oauthkit.ErrRedirect) && srv.RequestCount(oauthtest.PushedAuthorizationEndpoint) != 1 {
				t.Error("the redirect was followed")
			}
		})
	}
}
