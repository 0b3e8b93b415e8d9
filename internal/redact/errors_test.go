package redact_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/assertion"
	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oidc"
	"github.com/oauthkit/oauthkit/xoauth2"
)

// secret marks every credential the inputs carry; no rendering of any
// error may contain it.
const secret = "S3CR3T"

// Bodies that carry every kind of credential, in the shapes that fail to
// parse.
var (
	tokenJSON = `"access_token":"S3CR3T-AT","token_type":"Bearer","refresh_token":"S3CR3T-RT","id_token":"S3CR3T-ID"`
	wafEcho   = `<html><body>Request blocked: client_secret=S3CR3T-CS&client_assertion=S3CR3T-CA&assertion=S3CR3T-AS` +
		`&code=S3CR3T-CODE&device_code=S3CR3T-DC&password=S3CR3T-PW</body></html>`
	answers = []struct {
		name, contentType, body string
		status                  int
	}{
		{"scope array", "application/json", `{` + tokenJSON + `,"scope":["read"]}`, 200},
		{"expires_in with a unit", "application/json", `{` + tokenJSON + `,"expires_in":"3600s"}`, 200},
		{"trailing bytes", "application/json", `{` + tokenJSON + `} trailing`, 200},
		{"form under text/plain", "text/plain", `access_token=S3CR3T-AT&refresh_token=S3CR3T-RT&scope=a&scope=%zz`, 200},
		{"no token type", "application/json", `{"access_token":"S3CR3T-AT","refresh_token":"S3CR3T-RT"}`, 200},
		{"html echo", "text/html", wafEcho, 403},
		{"error with tokens", "application/json", `{"error":"invalid_request",` + tokenJSON + `,"client_secret":"S3CR3T-CS"}`, 400},
		{"error under 200", "application/json", `{"error":"invalid_grant","code":"S3CR3T-CODE","password":"S3CR3T-PW"}`, 200},
		{"server error echo", "application/json", `{"access_token":"S3CR3T-AT","debug":"password=S3CR3T-PW"}`, 500},
		{"redirect", "", "", http.StatusTemporaryRedirect},
	}
)

// serve answers every request with a, or with a redirect to a URL
// carrying a code.
func serve(t *testing.T, status int, contentType, body string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if status/100 == 3 {
			http.Redirect(w, r, "https://127.0.0.1:1/cb?code=S3CR3T-CODE&access_token=S3CR3T-AT", status)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// render returns every way an error reaches a human: the wrapped error
// as returned and each typed error inside it.
func render(err error) []string {
	targets := []any{err}
	if e, ok := errors.AsType[*oauthkit.Error](err); ok {
		targets = append(targets, e, *e)
	}
	if e, ok := errors.AsType[*oauthkit.ResponseError](err); ok {
		targets = append(targets, e, *e)
	}
	if e, ok := errors.AsType[*jose.FetchError](err); ok {
		targets = append(targets, e)
	}
	if e, ok := errors.AsType[*url.Error](err); ok {
		targets = append(targets, e)
	}
	var out []string
	for _, v := range targets {
		if e, ok := v.(error); ok {
			out = append(out, e.Error())
		}
		out = append(out, fmt.Sprintf("%v", v), fmt.Sprintf("%+v", v), fmt.Sprintf("%#v", v), fmt.Sprintf("%s", v), fmt.Sprintf("%q", v))
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Error("failed", "err", v)
		slog.New(slog.NewTextHandler(&buf, nil)).Error("failed", "err", v)
		out = append(out, buf.String())
	}
	return out
}

func checkRedacted(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error", what)
	}
	for _, r := range render(err) {
		if strings.Contains(r, secret) {
			t.Errorf("%s: a credential shows in %q", what, r)
		}
	}
}

func TestEveryError_redactsCredentials(t *testing.T) {
	t.Parallel()
	for _, a := range answers {
		t.Run(a.name, func(t *testing.T) {
			t.Parallel()
			srv := serve(t, a.status, a.contentType, a.body)
			u := srv.URL
			s, err := oauthkit.NewSession(oauthkit.Config{ClientID: "c", ClientSecret: "S3CR3T-CS", TokenURL: u,
				RevocationURL: u, IntrospectionURL: u, DeviceAuthURL: u, Retry: oauthkit.RetryPolicy{Disabled: true},
				HTTPClient: srv.Client()})
			if err != nil {
				t.Fatal(err)
			}
			s.SetToken(&oauthkit.Token{AccessToken: "S3CR3T-AT", TokenType: "Bearer", RefreshToken: "S3CR3T-RT"})
			ctx := t.Context()
			_, err = s.FetchToken(ctx, oauthkit.Password("alice", "S3CR3T-PW"))
			checkRedacted(t, "FetchToken", err)
			_, err = s.Refresh(ctx)
			checkRedacted(t, "Refresh", err)
			_, err = s.Introspect(ctx, "")
			checkRedacted(t, "Introspect", err)
			if a.status != 200 {
				checkRedacted(t, "Revoke", s.Revoke(ctx, ""))
			}
			_, err = s.DeviceAuthorization(ctx)
			checkRedacted(t, "DeviceAuthorization", err)
			oidcErrors(t, ctx, srv)
			xoauth2Errors(t, ctx, srv)
			assertionErrors(t, ctx, srv)
		})
	}
}

func oidcErrors(t *testing.T, ctx context.Context, srv *httptest.Server) {
	t.Helper()
	_, err := oidc.Discover(ctx, srv.URL, oidc.DiscoveryConfig{HTTPClient: srv.Client()})
	checkRedacted(t, "oidc.Discover", err)
	p, err := oidc.NewProviderFromMetadata(&oidc.Metadata{Issuer: srv.URL, UserInfoEndpoint: srv.URL, JWKSURL: srv.URL},
		oidc.ProviderConfig{HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.UserInfo(ctx, &oauthkit.Token{AccessToken: "S3CR3T-AT"}, "")
	checkRedacted(t, "oidc.UserInfo", err)
	_, err = p.Verifier("c").Verify(ctx, "S3CR3T.S3CR3T.S3CR3T")
	checkRedacted(t, "oidc.Verify", err)
	rks, err := jose.NewRemoteKeySet(jose.RemoteKeySetConfig{URL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	checkRedacted(t, "jose.RemoteKeySet", rks.Refresh(ctx))
}

func xoauth2Errors(t *testing.T, ctx context.Context, srv *httptest.Server) {
	t.Helper()
	cfg := &oauth2.Config{ClientID: "c", ClientSecret: "S3CR3T-CS", Endpoint: oauth2.Endpoint{TokenURL: srv.URL}}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, srv.Client())
	src := xoauth2.FromTokenSource(cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: "S3CR3T-RT"}))
	if _, err := src.Token(ctx); err != nil { // x/oauth2 accepts some answers oauthkit refuses
		checkRedacted(t, "xoauth2.Source.Token", err)
	}
	if resp, err := src.Client(srv.Client()).Get(srv.URL); err != nil {
		checkRedacted(t, "xoauth2.Source.Client", err)
	} else {
		resp.Body.Close()
	}
}

func assertionErrors(t *testing.T, ctx context.Context, srv *httptest.Server) {
	t.Helper()
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := assertion.NewSession(assertion.Config{TokenURL: srv.URL, Issuer: "sa@example", Key: &jose.Key{Key: ec},
		ClientID: "c", ClientSecret: "S3CR3T-CS", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.FetchToken(ctx, nil)
	checkRedacted(t, "assertion.Session.FetchToken", err)
}

func TestCallerInput_redactedInErrors(t *testing.T) {
	t.Parallel()
	unreachable := httptest.NewServer(http.NotFoundHandler())
	unreachable.Close()
	secretInURL := oauthkit.ClientAuthFunc(func(_ context.Context, r *oauthkit.ClientAuthRequest) error {
		q := r.URL.Query()
		q.Set("client_secret", r.ClientSecret)
		r.URL.RawQuery = q.Encode()
		return nil
	})
	s, err := oauthkit.NewSession(oauthkit.Config{ClientID: "c", ClientSecret: "S3CR3T-CS", TokenURL: unreachable.URL,
		ClientAuth: secretInURL, Retry: oauthkit.RetryPolicy{Disabled: true}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.FetchToken(t.Context(), nil)
	checkRedacted(t, "secret in the url of an unreachable endpoint", err)

	ar := oauthkit.AuthorizationRequest{State: "st", RedirectURL: "https://app.example/cb"}
	for _, cb := range []string{
		"ftp://app.example/cb?code=S3CR3T-CODE&state=st",
		"https:///cb?code=S3CR3T-CODE&state=st",
		"http://app.example/cb?code=S3CR3T-CODE&state=st",
		"::/cb?code=S3CR3T-CODE",
		"https://app.example/cb?code=S3CR3T-CODE&state=other",
		"https://app.example/cb?error=access_denied&error_description=code%3DS3CR3T-CODE&state=st",
	} {
		_, err := s.ExchangeAuthorizationResponse(t.Context(), cb, ar)
		checkRedacted(t, "callback "+cb, err)
	}
	_, err = oauthkit.NewSession(oauthkit.Config{ClientID: "c", TokenURL: "http://as.example/token?client_secret=S3CR3T-CS#x"})
	checkRedacted(t, "config", err)
}
