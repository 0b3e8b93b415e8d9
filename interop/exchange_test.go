//go:build interop

package interop

import (
	"testing"

	"github.com/oauthkit/oauthkit"
)

// TestTokenExchange: exchange-client trades a user's access token for
// one of its own through the grant sender.mjs registers, which checks the
// subject token at the provider's introspection endpoint. The new token
// is the user's at userinfo and names the actor.
func TestTokenExchange(t *testing.T) {
	t.Parallel()
	_, user := logIn(t, basicClient.session(t))
	ex := exchangeClient.session(t)
	actor, err := ex.FetchToken(t.Context(), oauthkit.ClientCredentials())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := ex.FetchToken(t.Context(), oauthkit.TokenExchange(oauthkit.TokenExchangeRequest{
		SubjectToken: user.AccessToken, SubjectTokenType: oauthkit.TokenTypeAccessToken,
		ActorToken: actor.AccessToken, ActorTokenType: oauthkit.TokenTypeAccessToken,
		RequestedTokenType: oauthkit.TokenTypeAccessToken,
		Scopes:             []string{"openid", "email"}, Audiences: []string{"billing", "ledger"},
		Resources: []string{"https://api.example/"},
	}))
	if err != nil {
		t.Fatalf("token exchange: %v", err)
	}
	if tok.IssuedTokenType() != oauthkit.TokenTypeAccessToken || tok.Scope != "openid email" {
		t.Errorf("issued %v (issued_token_type %q)", tok, tok.IssuedTokenType())
	}
	in, err := ex.Introspect(t.Context(), tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	act, _ := in.Extra["act"].(map[string]any)
	if in.Subject != testUser["sub"] || act["sub"] != exchangeClient.ID || !hasString(in.Audience, "ledger") || !hasString(in.Audience, "https://api.example/") {
		t.Errorf("introspection = %+v; want the user, acted for by %s, for ledger and the resource", in, exchangeClient.ID)
	}
	// A token for no audience in particular is the user's at userinfo.
	forUser, err := ex.FetchToken(t.Context(), oauthkit.TokenExchange(oauthkit.TokenExchangeRequest{
		SubjectToken: user.AccessToken, SubjectTokenType: oauthkit.TokenTypeAccessToken,
	}))
	if err != nil {
		t.Fatal(err)
	}
	ui, err := idp.UserInfo(t.Context(), forUser, "")
	if err != nil || ui.Subject != testUser["sub"] || ui.Email != testUser["email"] {
		t.Errorf("userinfo with the exchanged token = %+v, %v", ui, err)
	}
}

// TestTokenExchange_refused: a subject token that is not active, and a
// scope wider than the subject token's, are refused with the server's
// error, and no token is stored.
func TestTokenExchange_refused(t *testing.T) {
	t.Parallel()
	_, user := logIn(t, basicClient.session(t))
	for _, tc := range []struct {
		name string
		req  oauthkit.TokenExchangeRequest
		code string
	}{
		// RFC 8693 section 2.2.2: invalid_request for an unacceptable token.
		{"inactive subject", oauthkit.TokenExchangeRequest{SubjectToken: "not-a-token", SubjectTokenType: oauthkit.TokenTypeAccessToken}, oauthkit.ErrorCodeInvalidRequest},
		{"inactive actor", oauthkit.TokenExchangeRequest{SubjectToken: user.AccessToken, SubjectTokenType: oauthkit.TokenTypeAccessToken,
			ActorToken: "not-a-token", ActorTokenType: oauthkit.TokenTypeAccessToken}, oauthkit.ErrorCodeInvalidRequest},
		{"wider scope", oauthkit.TokenExchangeRequest{SubjectToken: user.AccessToken, SubjectTokenType: oauthkit.TokenTypeAccessToken,
			Scopes: []string{"openid", "api:write"}}, oauthkit.ErrorCodeInvalidScope},
		{"id token type", oauthkit.TokenExchangeRequest{SubjectToken: user.IDToken, SubjectTokenType: oauthkit.TokenTypeIDToken}, oauthkit.ErrorCodeInvalidRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ex := exchangeClient.session(t)
			_, err := ex.FetchToken(t.Context(), oauthkit.TokenExchange(tc.req))
			wantOAuthError(t, err, "token", tc.code)
			if ex.Token() != nil {
				t.Error("token stored after a refusal")
			}
		})
	}
}
