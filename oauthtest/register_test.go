package oauthtest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/oauthkit/oauthkit/oauthtest"
)

func sendJSON(t *testing.T, srv *oauthtest.Server, method, u, token, body string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(t, srv, req)
}

func TestRegister(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	for _, body := range []string{`[]`, `{"redirect_uris":"https://x"}`, `{"grant_types":[1]}`, `{"jwks_uri":"https://x"}`,
		`{"token_endpoint_auth_method":"private_key_jwt"}`, `not json`} {
		wantError(t, sendJSON(t, srv, http.MethodPost, srv.RegistrationURL(), "", body), 400, "invalid_client_metadata")
	}
	r := sendJSON(t, srv, http.MethodPost, srv.RegistrationURL(), "", `{"redirect_uris":["https://app.example/cb"],"client_name":"a"}`)
	if r.status != http.StatusCreated || r.str("client_id") == "" || r.str("registration_access_token") == "" || r.body["client_name"] != "a" {
		t.Fatalf("register = %d %s", r.status, r.raw)
	}
	uri, rat := r.str("registration_client_uri"), r.str("registration_access_token")
	wantError(t, sendJSON(t, srv, http.MethodGet, uri, "wrong", ""), 401, "invalid_token")
	wantError(t, sendJSON(t, srv, http.MethodPut, uri, rat, `{"client_id":"other"}`), 400, "invalid_request")
	wantError(t, sendJSON(t, srv, http.MethodPut, uri, rat, `{"client_id":"`+r.str("client_id")+`","client_secret":"wrong"}`), 400, "invalid_request")
	if got := sendJSON(t, srv, http.MethodGet, uri, rat, ""); got.status != 200 || got.str("client_secret") != r.str("client_secret") {
		t.Errorf("read = %d %s", got.status, got.raw)
	}
	if got := sendJSON(t, srv, http.MethodDelete, uri, rat, ""); got.status != http.StatusNoContent {
		t.Errorf("delete = %d", got.status)
	}
}
