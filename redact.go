package oauthkit

import (
	"fmt"
	"log/slog"
)

// redact describes a secret without revealing it: its length only.
func redact(s string) string {
	if s == "" {
		return `""`
	}
	return "[redacted]"
}

// String describes the config without the client secret.
func (c Config) String() string {
	return fmt.Sprintf("oauthkit.Config{ClientID:%q ClientSecret:%s AuthURL:%q TokenURL:%q RedirectURL:%q Scopes:%q AuthMethod:%q}",
		c.ClientID, redact(c.ClientSecret), c.AuthURL, c.TokenURL, c.RedirectURL, c.Scopes, c.AuthMethod)
}

// GoString is String, so %#v redacts too.
func (c Config) GoString() string { return c.String() }

// Format makes every fmt verb print the redacted form.
func (c Config) Format(f fmt.State, verb rune) { fmt.Fprint(f, c.String()) }

// LogValue implements [slog.LogValuer] without the client secret.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("client_id", c.ClientID),
		slog.String("client_secret", redact(c.ClientSecret)),
		slog.String("token_url", c.TokenURL),
		slog.String("auth_method", c.AuthMethod),
	)
}

// Format makes every fmt verb print the redacted form of a session.
func (s *Session) Format(f fmt.State, verb rune) { fmt.Fprint(f, s.String()) }

// LogValue implements [slog.LogValuer] without secrets.
func (s *Session) LogValue() slog.Value {
	return slog.GroupValue(slog.Any("config", s.cfg), slog.Any("token", s.cur.Load().token()))
}

// Format makes every fmt verb print the redacted form of the request.
func (a AuthorizationRequest) Format(f fmt.State, verb rune) { fmt.Fprint(f, a.String()) }

// LogValue implements [slog.LogValuer] without the verifier and nonce.
func (a AuthorizationRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("url", a.URL), slog.String("state", a.State), slog.String("code_verifier", redact(a.CodeVerifier)))
}

// Format makes every fmt verb print the redacted form of a grant.
func (g paramGrant) Format(f fmt.State, verb rune) { fmt.Fprint(f, g.String()) }

// LogValue implements [slog.LogValuer] with the secrets redacted.
func (g paramGrant) LogValue() slog.Value { return slog.StringValue(g.String()) }

// Format makes every fmt verb print the redacted form of the request.
func (r *ClientAuthRequest) Format(f fmt.State, verb rune) { fmt.Fprint(f, r.String()) }

// LogValue implements [slog.LogValuer] without the client secret.
func (r *ClientAuthRequest) LogValue() slog.Value { return slog.StringValue(r.String()) }

// Format makes every fmt verb print the redacted form of the update.
func (u TokenUpdate) Format(f fmt.State, verb rune) { fmt.Fprint(f, u.String()) }

// LogValue implements [slog.LogValuer] with the secrets redacted.
func (u TokenUpdate) LogValue() slog.Value { return slog.StringValue(u.String()) }
