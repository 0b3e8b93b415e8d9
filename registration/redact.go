package registration

import (
	"fmt"
	"log/slog"
)

// Format makes every fmt verb print the redacted form of the client, so
// that %d or %x cannot print its secrets field by field.
func (c Client) Format(f fmt.State, verb rune) { fmt.Fprint(f, c.String()) }

// String describes the configuration without the initial access token.
func (c Config) String() string {
	return fmt.Sprintf("registration.Config{Endpoint:%q InitialAccessToken:%s InsecureAllowHTTP:%t}",
		c.Endpoint, redact(c.InitialAccessToken), c.InsecureAllowHTTP)
}

// GoString is String, so that %#v redacts too.
func (c Config) GoString() string { return c.String() }

// Format makes every fmt verb print the redacted form of the
// configuration.
func (c Config) Format(f fmt.State, verb rune) { fmt.Fprint(f, c.String()) }

// LogValue implements [slog.LogValuer] without the initial access token.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("endpoint", c.Endpoint),
		slog.String("initial_access_token", redact(c.InitialAccessToken)))
}

// String describes the registrar by its configuration, redacted.
func (r *Registrar) String() string { return "registration.Registrar{" + r.cfg.String() + "}" }

// Format makes every fmt verb print the redacted form of the registrar.
func (r *Registrar) Format(f fmt.State, verb rune) { fmt.Fprint(f, r.String()) }

// LogValue implements [slog.LogValuer] without the initial access token.
func (r *Registrar) LogValue() slog.Value { return r.cfg.LogValue() }
