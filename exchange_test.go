package oauthkit_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/oauthtest"
)

func TestTokenExchange_params(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  oauthkit.TokenExchangeRequest
		want url.Values
	}{
		{
			name: "impersonation",
			req:  oauthkit.TokenExchangeRequest{SubjectToken: "s", SubjectTokenType: oauthkit.TokenTypeJWT},
			want: url.Values{"grant_type": {oauthkit.GrantTypeTokenExchange}, "subject_token": {"s"}, "subject_token_type": {oauthkit.TokenTypeJWT}},
		},
		{
			name: "delegation with every parameter",
			req: oauthkit.TokenExchangeRequest{
				SubjectToken: "s", SubjectTokenType: oauthkit.TokenTypeAccessToken,
				ActorToken: "a", ActorTokenType: oauthkit.TokenTypeIDToken,
				RequestedTokenType: oauthkit.TokenTypeRefreshToken,
				Resources:          []string{"https://a.example/", "https://b.example/"},
				Audiences:          []string{"x", "y"}, Scopes: []string{"read", "write"},
			},
			want: url.Values{
				"grant_type": {oauthkit.GrantTypeTokenExchange}, "subject_token": {"s"}, "subject_token_type": {oauthkit.TokenTypeAccessToken},
				"actor_token": {"a"}, "actor_token_type": {oauthkit.TokenTypeIDToken},
				"requested_token_type": {oauthkit.TokenTypeRefreshToken},
				"resource":             {"https://a.example/", "https://b.example/"}, "audience": {"x", "y"}, "scope": {"read write"},
			},
		},
		{
			name: "token sources",
			req: oauthkit.TokenExchangeRequest{
				SubjectToken: "ignored", SubjectTokenType: oauthkit.TokenTypeJWT,
				SubjectTokenFunc: func(context.Context) (string, error) { return "fresh", nil },
				ActorTokenFunc:   func(context.Context) (string, error) { return "actor", nil }, ActorTokenType: oauthkit.TokenTypeJWT,
			},
			want: url.Values{
				"grant_type": {oauthkit.GrantTypeTokenExchange}, "subject_token": {"fresh"}, "subject_token_type": {oauthkit.TokenTypeJWT},
				"actor_token": {"actor"}, "actor_token_type": {oauthkit.TokenTypeJWT},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := oauthkit.TokenExchange(tt.req).TokenParams(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("TokenParams (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTokenExchange_invalid(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	for name, req := range map[string]oauthkit.TokenExchangeRequest{
		"no subject token":      {SubjectTokenType: oauthkit.TokenTypeJWT},
		"no subject token type": {SubjectToken: "s"},
		"actor without type":    {SubjectToken: "s", SubjectTokenType: oauthkit.TokenTypeJWT, ActorToken: "a"},
		"failing source": {SubjectTokenType: oauthkit.TokenTypeJWT,
			SubjectTokenFunc: func(context.Context) (string, error) { return "", boom }},
	} {
		if _, err := oauthkit.TokenExchange(req).TokenParams(t.Context()); !errors.Is(err, oauthkit.ErrInvalidTokenExchange) {
			t.Errorf("%s: TokenParams = %v; want %v", name, err, oauthkit.ErrInvalidTokenExchange)
		}
	}
}

func TestTokenExchange_String_redactsTokens(t *testing.T) {
	t.Parallel()
	g := oauthkit.TokenExchange(oauthkit.TokenExchangeRequest{SubjectToken: "subject-secret-value", ActorToken: "actor-secret-value",
		SubjectTokenType: oauthkit.TokenTypeAccessToken, Audiences: []string{"aud1"}})
	for _, s := range []string{fmt.Sprint(g), fmt.Sprintf("%#v", g)} {
		if strings.Contains(s, "secret-value") || !strings.Contains(s, "aud1") {
			t.Errorf("printed grant = %s", s)
		}
	}
}

// TestTokenExchange_issuedTokenTypeRequired: RFC 8693 section 2.2.1 makes
// issued_token_type required; an answer without it is refused.
func TestTokenExchange_issuedTokenTypeRequired(t *testing.T) {
	t.Parallel()
	withType := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := `{"access_token":"x","token_type":"Bearer"`
		if withType {
			body += `,"issued_token_type":"` + oauthkit.TokenTypeAccessToken + `"`
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, body+"}")
	}))
	t.Cleanup(srv.Close)
	s, err := oauthkit.NewSession(oauthkit.Config{ClientID: "c", TokenURL: srv.URL, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	g := oauthkit.TokenExchange(oauthkit.TokenExchangeRequest{SubjectToken: "s", SubjectTokenType: oauthkit.TokenTypeJWT})
	tok, err := s.FetchToken(t.Context(), g)
	if err != nil || tok.IssuedTokenType() != oauthkit.TokenTypeAccessToken {
		t.Fatalf("FetchToken = %v, %v; want issued_token_type %s", tok, err, oauthkit.TokenTypeAccessToken)
	}
	withType = false
	_, err = s.FetchToken(t.Context(), g)
	var re *oauthkit.ResponseError
	if !errors.Is(err, oauthkit.ErrInvalidTokenResponse) || !errors.As(err, &re) || re.Endpoint != "token" {
		t.Errorf("FetchToken without issued_token_type = %v; want %v from the token endpoint", err, oauthkit.ErrInvalidTokenResponse)
	}
	if got := s.Token().AccessToken; got != "x" {
		t.Errorf("token after the failure = %q; want the old one kept", got)
	}
}

// TestTokenExchange_asConfigGrant: a service session whose Config.Grant is
// a token exchange exchanges on first use and again when due.
func TestTokenExchange_asConfigGrant(t *testing.T) {
	t.Parallel()
	clk := &faultClock{}
	clk.Advance(time.Duration(time.Now().UnixNano()))
	srv := oauthtest.NewUnstartedServer()
	srv.Now = clk.Now
	srv.AccessTokenTTL = 10 * time.Minute
	srv.Start()
	t.Cleanup(srv.Close)
	upstream := srv.RegisterClient(oauthtest.Client{})
	svc := srv.RegisterClient(oauthtest.Client{})
	subjects := 0
	cfg := oauthkit.Config{ClientID: svc.ID, ClientSecret: svc.Secret, TokenURL: srv.TokenURL(), Now: clk.Now,
		Grant: oauthkit.TokenExchange(oauthkit.TokenExchangeRequest{
			SubjectTokenType: oauthkit.TokenTypeAccessToken,
			SubjectTokenFunc: func(ctx context.Context) (string, error) {
				subjects++
				up, err := oauthkit.NewSession(oauthkit.Config{ClientID: upstream.ID, ClientSecret: upstream.Secret, TokenURL: srv.TokenURL(), Now: clk.Now})
				if err != nil {
					return "", err
				}
				tok, err := up.FetchToken(ctx, nil)
				if err != nil {
					return "", err
				}
				return tok.AccessToken, nil
			},
		}),
	}
	s, err := oauthkit.NewSession(cfg)
	if err != nil {
		t.Fatal(err)
	}
	get := func() map[string]any {
		t.Helper()
		resp, err := s.Get(t.Context(), srv.ResourceURL())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return decodeBody(t, resp)
	}
	if body := get(); body["sub"] != upstream.ID || body["client_id"] != svc.ID {
		t.Errorf("resource saw %v; want sub %s for client %s", body, upstream.ID, svc.ID)
	}
	first := s.Token().AccessToken
	clk.Advance(20 * time.Minute)
	get()
	if s.Token().AccessToken == first || subjects != 2 {
		t.Errorf("after expiry: token renewed %t, subject tokens fetched %d; want a second exchange", s.Token().AccessToken != first, subjects)
	}
	if s.Token().IssuedTokenType() != oauthkit.TokenTypeAccessToken {
		t.Errorf("IssuedTokenType() = %q", s.Token().IssuedTokenType())
	}
}

// decodeBody decodes a JSON answer into a map.
func decodeBody(t *testing.T, resp *http.Response) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatalf("decoding answer (HTTP %d): %v", resp.StatusCode, err)
	}
	return m
}

// TestTokenExchange_atTheServer runs the grant against oauthtest: every
// parameter reaches the server and shapes the token, and each refusal of
// RFC 8693 section 2.2.2 comes back as an *Error with its code, the
// session keeping the token it had.
func TestTokenExchange_atTheServer(t *testing.T) {
	t.Parallel()
	srv := oauthtest.NewServer()
	t.Cleanup(srv.Close)
	frontend, backend := srv.RegisterClient(oauthtest.Client{}), srv.RegisterClient(oauthtest.Client{})
	fs, err := oauthkit.NewSession(oauthkit.Config{ClientID: frontend.ID, ClientSecret: frontend.Secret, TokenURL: srv.TokenURL()})
	if err != nil {
		t.Fatal(err)
	}
	u := oauthtest.DefaultUser()
	user, err := fs.FetchToken(t.Context(), oauthkit.Password(u.Username, u.Password))
	if err != nil {
		t.Fatal(err)
	}
	bs, err := oauthkit.NewSession(oauthkit.Config{ClientID: backend.ID, ClientSecret: backend.Secret,
		TokenURL: srv.TokenURL(), IntrospectionURL: srv.IntrospectionURL()})
	if err != nil {
		t.Fatal(err)
	}
	actor, err := bs.FetchToken(t.Context(), oauthkit.ClientCredentials())
	if err != nil {
		t.Fatal(err)
	}

	tok, err := bs.FetchToken(t.Context(), oauthkit.TokenExchange(oauthkit.TokenExchangeRequest{
		SubjectToken: user.AccessToken, SubjectTokenType: oauthkit.TokenTypeAccessToken,
		ActorToken: actor.AccessToken, ActorTokenType: oauthkit.TokenTypeAccessToken,
		RequestedTokenType: oauthkit.TokenTypeAccessToken,
		Resources:          []string{"https://billing.example/", "https://ledger.example/"}, Audiences: []string{"reports"},
	}))
	if err != nil {
		t.Fatalf("delegation: %v", err)
	}
	if tok.IssuedTokenType() != oauthkit.TokenTypeAccessToken {
		t.Errorf("IssuedTokenType() = %q", tok.IssuedTokenType())
	}
	in, err := bs.Introspect(t.Context(), tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	act, _ := in.Extra["act"].(map[string]any)
	wantAud := []string{"https://billing.example/", "https://ledger.example/", "reports"}
	if in.Subject != u.Subject || act["sub"] != backend.ID || !slices.Equal(in.Audience, wantAud) {
		t.Errorf("introspection: sub %q, act %v, aud %q; want %q acted for by %s, for %q", in.Subject, act, in.Audience, u.Subject, backend.ID, wantAud)
	}

	subject := func(edit func(*oauthkit.TokenExchangeRequest)) oauthkit.TokenExchangeRequest {
		r := oauthkit.TokenExchangeRequest{SubjectToken: user.AccessToken, SubjectTokenType: oauthkit.TokenTypeAccessToken}
		edit(&r)
		return r
	}
	for _, tt := range []struct {
		name string
		req  oauthkit.TokenExchangeRequest
		code string
	}{
		{"relative resource", subject(func(r *oauthkit.TokenExchangeRequest) { r.Resources = []string{"billing"} }), oauthkit.ErrorCodeInvalidTarget},
		{"inactive subject token", subject(func(r *oauthkit.TokenExchangeRequest) { r.SubjectToken = "not-a-token" }), oauthkit.ErrorCodeInvalidRequest},
		{"inactive actor token", subject(func(r *oauthkit.TokenExchangeRequest) {
			r.ActorToken, r.ActorTokenType = "not-a-token", oauthkit.TokenTypeAccessToken
		}), oauthkit.ErrorCodeInvalidRequest},
		{"unsupported subject token type", subject(func(r *oauthkit.TokenExchangeRequest) { r.SubjectTokenType = oauthkit.TokenTypeIDToken }), oauthkit.ErrorCodeInvalidRequest},
		{"unsupported requested type", subject(func(r *oauthkit.TokenExchangeRequest) { r.RequestedTokenType = oauthkit.TokenTypeSAML2 }), oauthkit.ErrorCodeInvalidRequest},
		{"wider scope", subject(func(r *oauthkit.TokenExchangeRequest) { r.Scopes = []string{"admin"} }), oauthkit.ErrorCodeInvalidScope},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bs.FetchToken(t.Context(), oauthkit.TokenExchange(tt.req))
			if e, ok := errorsAs(err); !ok || e.Code != tt.code {
				t.Errorf("FetchToken = %v; want the server's %s", err, tt.code)
			}
			if got := bs.Token(); got == nil || got.AccessToken != tok.AccessToken {
				t.Errorf("token after the refusal = %v; want the delegated one kept", got)
			}
		})
	}
}
