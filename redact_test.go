package oauthkit

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// TestRedaction renders every value that holds a secret through every
// printing path and asserts that no secret appears.
func TestRedaction(t *testing.T) {
	t.Parallel()
	const (
		secret   = "SECRET-client"
		access   = "SECRET-access"
		refresh  = "SECRET-refresh"
		verifier = "SECRET-verifier-0123456789012345678901234567890"
	)
	cfg := Config{ClientID: "id", ClientSecret: secret, TokenURL: "https://as.example/token"}
	s := mustSession(t, cfg)
	tok := &Token{AccessToken: access, RefreshToken: refresh, TokenType: "Bearer"}
	s.SetToken(tok)
	ar := AuthorizationRequest{URL: "https://as.example/a", State: "st", CodeVerifier: verifier, Nonce: "SECRET-nonce"}
	grant := Password("alice", "SECRET-password")
	car := &ClientAuthRequest{ClientID: "id", ClientSecret: secret}
	values := []any{cfg, &cfg, s, tok, *tok, ar, &ar, grant, car, TokenUpdate{Token: tok, OldRefreshToken: refresh},
		&Error{Code: "invalid_grant", Body: []byte(refresh)}, &ResponseError{Endpoint: "token", StatusCode: 500}}

	var buf bytes.Buffer
	for _, v := range values {
		fmt.Fprintf(&buf, "%v|%+v|%#v|%s\n", v, v, v, v)
		if e, ok := v.(error); ok {
			buf.WriteString(e.Error())
		}
	}
	jl := slog.New(slog.NewJSONHandler(&buf, nil))
	tl := slog.New(slog.NewTextHandler(&buf, nil))
	for i, v := range values {
		jl.Info("v", "i", i, "value", v)
		tl.Info("v", "i", i, "value", v)
	}
	out := buf.String()
	if strings.Contains(out, "SECRET") {
		i := strings.Index(out, "SECRET")
		t.Errorf("a secret leaked: ...%s...", out[max(0, i-200):min(len(out), i+40)])
	}
	if !strings.Contains(out, "as.example") {
		t.Error("redacted output lost the non-secret fields")
	}
}
