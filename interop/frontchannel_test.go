//go:build interop

package interop

import (
	"errors"
	"net/url"
	"testing"

	"github.com/oauthkit/oauthkit"
)

// exchange completes a login on s from the callback of ar.
func exchange(t *testing.T, s *oauthkit.Session, ar *oauthkit.AuthorizationRequest, callback string) *oauthkit.Token {
	t.Helper()
	tok, err := s.ExchangeAuthorizationResponse(t.Context(), callback, *ar)
	if err != nil {
		t.Fatalf("ExchangeAuthorizationResponse: %v", err)
	}
	if tok.AccessToken == "" || tok.IDToken == "" {
		t.Fatalf("token = %v; want access and ID tokens", tok)
	}
	return tok
}

// loginWith plays the browser for ar and returns the callback URL.
func loginWith(t *testing.T, ar *oauthkit.AuthorizationRequest) string {
	t.Helper()
	cb, err := login(t.Context(), ar.URL)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	return cb
}

// TestPushedAuthorization: a client whose registration requires PAR logs
// in through AuthorizationURLContext, which pushes; its unpushed request is
// refused by the provider; a pushed request's errors are typed.
func TestPushedAuthorization(t *testing.T) {
	t.Parallel()
	s := parClient.session(t, func(c *oauthkit.Config) { c.RequirePushedAuth = true })
	if _, err := s.AuthorizationURL(); !errors.Is(err, oauthkit.ErrPushedAuthRequired) {
		t.Fatalf("AuthorizationURL of a PAR client = %v; want ErrPushedAuthRequired", err)
	}
	ar, err := s.AuthorizationURLContext(t.Context(), oauthkit.WithParam("prompt", "consent"))
	if err != nil {
		t.Fatalf("AuthorizationURLContext: %v", err)
	}
	u, _ := url.Parse(ar.URL)
	if q := u.Query(); len(q) != 2 || q.Get("request_uri") == "" || q.Get("client_id") != parClient.ID || ar.ExpiresAt.IsZero() {
		t.Fatalf("pushed request URL %s, expires %v; want client_id and request_uri only", ar.URL, ar.ExpiresAt)
	}
	tok := exchange(t, s, ar, loginWith(t, ar))
	checkIDToken(t, parClient, tok, ar.Nonce)

	plain := parClient.session(t)
	par, err := plain.AuthorizationURL()
	if err != nil {
		t.Fatal(err)
	}
	// The provider refuses it with an error response to the client.
	_, err = plain.ExchangeAuthorizationResponse(t.Context(), loginWith(t, par), *par)
	wantOAuthError(t, err, "authorization", oauthkit.ErrorCodeInvalidRequest)

	_, err = basicClient.session(t).PushAuthorizationRequest(t.Context(), oauthkit.WithRedirectURL("http://127.0.0.1/not-registered"))
	if e, ok := errors.AsType[*oauthkit.Error](err); !ok || e.Endpoint != "pushed authorization" || e.Code == "" {
		t.Errorf("push with an unregistered redirect URI = %v; want *oauthkit.Error from the pushed authorization endpoint", err)
	}
}

// TestRequestObject: signed request objects by value and, encrypted to the
// provider's key, pushed.
func TestRequestObject(t *testing.T) {
	t.Parallel()
	t.Run("by value", func(t *testing.T) {
		t.Parallel()
		s := privateJWTClient.session(t)
		ar, cb := authorize(t, s, oauthkit.WithRequestObject())
		if q, _ := url.ParseQuery(mustURL(t, ar.URL).RawQuery); q.Get("request") == "" || q.Has("state") {
			t.Fatalf("URL %s; want the parameters in a request object", ar.URL)
		}
		checkIDToken(t, privateJWTClient, exchange(t, s, ar, cb), ar.Nonce)
	})
	t.Run("pushed and encrypted", func(t *testing.T) {
		t.Parallel()
		enc, err := idp.RequestObjectEncryptionKey(t.Context())
		if err != nil {
			t.Fatalf("RequestObjectEncryptionKey: %v", err)
		}
		s := privateJWTClient.session(t, func(c *oauthkit.Config) {
			c.RequestObject = &oauthkit.RequestObjectConfig{EncryptionKey: enc}
		})
		ar, err := s.PushAuthorizationRequest(t.Context(), oauthkit.WithParam("prompt", "consent"))
		if err != nil {
			t.Fatalf("PushAuthorizationRequest: %v", err)
		}
		checkIDToken(t, privateJWTClient, exchange(t, s, ar, loginWith(t, ar)), ar.Nonce)
	})
}

// TestJARM: every JWT response mode, verified by the JARM verifier that
// Provider.Config installs.
func TestJARM(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{oauthkit.ResponseModeJWT, oauthkit.ResponseModeQueryJWT, oauthkit.ResponseModeFragmentJWT, oauthkit.ResponseModeFormPostJWT} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			s := basicClient.session(t)
			ar, cb := authorize(t, s, oauthkit.WithResponseMode(mode))
			u := mustURL(t, cb)
			if q, f := u.Query(), u.Fragment; q.Has("code") || (q.Get("response") == "" && f == "") {
				t.Fatalf("callback %s; want a response JWT", cb)
			}
			checkIDToken(t, basicClient, exchange(t, s, ar, cb), ar.Nonce)
		})
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
