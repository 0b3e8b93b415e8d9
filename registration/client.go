package registration

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/oauthkit/oauthkit"
)

// Client is a registered client: the client information response of RFC
// 7591 section 3.2.1 and RFC 7592 section 3. It encodes to JSON for
// storage, secrets included; String, GoString and LogValue redact them.
type Client struct {
	// Metadata is the client's registered metadata, as the server
	// answered it (it may have changed or completed what was sent).
	Metadata
	// ClientID is "client_id".
	ClientID string
	// ClientSecret is "client_secret"; empty for public clients and
	// private_key_jwt.
	ClientSecret string
	// ClientIDIssuedAt is "client_id_issued_at"; zero when not sent.
	ClientIDIssuedAt time.Time
	// ClientSecretExpiresAt is "client_secret_expires_at"; zero when the
	// secret does not expire.
	ClientSecretExpiresAt time.Time
	// RegistrationAccessToken is "registration_access_token", the bearer
	// token of the client configuration endpoint (RFC 7592). A server may
	// rotate it on every call; the Registrar's methods return the client
	// with the current one.
	RegistrationAccessToken string
	// RegistrationClientURI is "registration_client_uri", the client
	// configuration endpoint.
	RegistrationClientURI string
}

// clientWire is the wire form of the members that are not metadata.
type clientWire struct {
	ClientID                string      `json:"client_id"`
	ClientSecret            string      `json:"client_secret,omitempty"`
	ClientIDIssuedAt        json.Number `json:"client_id_issued_at,omitempty"`
	ClientSecretExpiresAt   json.Number `json:"client_secret_expires_at,omitempty"`
	RegistrationAccessToken string      `json:"registration_access_token,omitempty"`
	RegistrationClientURI   string      `json:"registration_client_uri,omitempty"`
}

// MarshalJSON encodes the client as a client information response.
func (c Client) MarshalJSON() ([]byte, error) {
	mb, err := c.Metadata.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var all map[string]any
	if err := json.Unmarshal(mb, &all); err != nil {
		return nil, err
	}
	w := clientWire{ClientID: c.ClientID, ClientSecret: c.ClientSecret,
		RegistrationAccessToken: c.RegistrationAccessToken, RegistrationClientURI: c.RegistrationClientURI}
	if !c.ClientIDIssuedAt.IsZero() {
		w.ClientIDIssuedAt = json.Number(fmt.Sprint(c.ClientIDIssuedAt.Unix()))
	}
	if !c.ClientSecretExpiresAt.IsZero() {
		w.ClientSecretExpiresAt = json.Number(fmt.Sprint(c.ClientSecretExpiresAt.Unix()))
	}
	wb, _ := json.Marshal(w) // strings and numbers only
	var wm map[string]any
	_ = json.Unmarshal(wb, &wm)
	for k, v := range wm {
		all[k] = v
	}
	return json.Marshal(all)
}

// UnmarshalJSON decodes a client information response. client_id is
// required; the timestamps must be numbers of seconds.
func (c *Client) UnmarshalJSON(data []byte) error {
	var w clientWire
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	if w.ClientID == "" {
		return fmt.Errorf("no client_id")
	}
	var m Metadata
	if err := m.UnmarshalJSON(data); err != nil {
		return err
	}
	issued, err := seconds(w.ClientIDIssuedAt, "client_id_issued_at")
	if err != nil {
		return err
	}
	expires, err := seconds(w.ClientSecretExpiresAt, "client_secret_expires_at")
	if err != nil {
		return err
	}
	*c = Client{Metadata: m, ClientID: w.ClientID, ClientSecret: w.ClientSecret,
		ClientIDIssuedAt: issued, ClientSecretExpiresAt: expires,
		RegistrationAccessToken: w.RegistrationAccessToken, RegistrationClientURI: w.RegistrationClientURI}
	return nil
}

// seconds reads a NumericDate; zero and absent give the zero time.
func seconds(n json.Number, name string) (time.Time, error) {
	if n == "" {
		return time.Time{}, nil
	}
	v, err := n.Int64()
	if err != nil || v < 0 || v > 1<<40 {
		return time.Time{}, fmt.Errorf("%s %q is not a number of seconds", name, n)
	}
	if v == 0 {
		return time.Time{}, nil
	}
	return time.Unix(v, 0), nil
}

// String describes the client without its secrets.
func (c Client) String() string {
	return fmt.Sprintf("registration.Client{ClientID:%q ClientSecret:%s RegistrationAccessToken:%s RegistrationClientURI:%q}",
		c.ClientID, redact(c.ClientSecret), redact(c.RegistrationAccessToken), c.RegistrationClientURI)
}

// GoString is String, so that %#v redacts too.
func (c Client) GoString() string { return c.String() }

// LogValue implements [slog.LogValuer] without the secrets.
func (c Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("client_id", c.ClientID),
		slog.String("client_secret", redact(c.ClientSecret)),
		slog.String("registration_access_token", redact(c.RegistrationAccessToken)),
		slog.String("registration_client_uri", c.RegistrationClientURI))
}

func redact(s string) string {
	if s == "" {
		return `""`
	}
	return "[redacted]"
}

// Config completes base, a session configuration, with the client's
// credentials and returns it; base is not changed. It sets ClientID and
// ClientSecret, AuthMethod from token_endpoint_auth_method unless base
// sets AuthMethod or ClientAuth, RedirectURL to the only redirect URI
// unless base sets one, Scopes from scope unless base sets them, and
// RequirePushedAuth when the client requires pushed requests. Endpoints
// come from elsewhere: the provider's metadata (oidc.Provider.Config, which
// fills PushedAuthURL) or base itself; a session that requires pushed
// requests and has no PushedAuthURL refuses to start.
func (c *Client) Config(base oauthkit.Config) oauthkit.Config {
	cfg := base
	cfg.ClientID, cfg.ClientSecret = c.ClientID, c.ClientSecret
	if cfg.AuthMethod == "" && cfg.ClientAuth == nil {
		cfg.AuthMethod = c.TokenEndpointAuthMethod
	}
	if cfg.RedirectURL == "" && len(c.RedirectURIs) == 1 {
		cfg.RedirectURL = c.RedirectURIs[0]
	}
	if len(cfg.Scopes) == 0 && c.Scope != "" {
		cfg.Scopes = splitScope(c.Scope)
	}
	cfg.RequirePushedAuth = cfg.RequirePushedAuth || c.RequirePushedAuthorizationRequests
	return cfg
}
