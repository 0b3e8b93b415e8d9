package registration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/oauthkit/oauthkit"
	"github.com/oauthkit/oauthkit/internal/secure"
	"github.com/oauthkit/oauthkit/internal/wire"
)

// Endpoint names in errors.
const (
	endpointRegistration  = "registration"
	endpointConfiguration = "client configuration"
)

// ErrInvalidClientInformation means a registration or client
// configuration endpoint answered 2xx with a body that is not a client
// information response: not a JSON object, no client_id, or members of
// the wrong type. It comes wrapped in a *oauthkit.ResponseError.
var ErrInvalidClientInformation = errors.New("registration: invalid client information response")

// Config configures a [Registrar]. Every zero value is a safe default.
type Config struct {
	// Endpoint is the client registration endpoint, a provider's
	// registration_endpoint. Required for Register.
	Endpoint string
	// InitialAccessToken is the bearer token that authorizes
	// registration (RFC 7591 section 3), if the server wants one. Empty:
	// open registration.
	InitialAccessToken string
	// HTTPClient makes every request; its redirect policy is replaced by
	// one that follows none. Nil: [http.DefaultClient].
	HTTPClient *http.Client
	// InsecureAllowHTTP permits plain http to hosts that are not
	// loopback. Anyone on the network path can then read the client's
	// secret and tokens. Only for development setups.
	InsecureAllowHTTP bool
}

// Registrar registers clients at one endpoint and manages registered
// clients. A Registrar is safe for concurrent use by multiple goroutines.
type Registrar struct {
	cfg    Config
	client *http.Client
}

// New checks cfg and returns a Registrar.
func New(cfg Config) (*Registrar, error) {
	if cfg.Endpoint != "" {
		if err := checkURL(cfg.Endpoint, cfg.InsecureAllowHTTP); err != nil {
			return nil, fmt.Errorf("registration: endpoint: %w", err)
		}
	}
	return &Registrar{cfg: cfg, client: secure.NoRedirects(cfg.HTTPClient)}, nil
}

// Register registers a client with metadata m (RFC 7591 section 3.1) and
// returns it with its credentials and, when the server supports RFC
// 7592, its registration access token and client configuration URI.
func (r *Registrar) Register(ctx context.Context, m Metadata) (*Client, error) {
	if r.cfg.Endpoint == "" {
		return nil, fmt.Errorf("registration: %w", oauthkit.ErrNoEndpoint)
	}
	body, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("registration: encoding metadata: %w", err)
	}
	return r.call(ctx, endpointRegistration, http.MethodPost, r.cfg.Endpoint, r.cfg.InitialAccessToken, body, nil)
}

// Read fetches the client's current registration (RFC 7592 section 2.1).
func (r *Registrar) Read(ctx context.Context, c *Client) (*Client, error) {
	if err := manageable(c); err != nil {
		return nil, err
	}
	return r.call(ctx, endpointConfiguration, http.MethodGet, c.RegistrationClientURI, c.RegistrationAccessToken, nil, c)
}

// Update replaces the client's metadata with m (RFC 7592 section 2.2):
// m must hold every field to keep, since fields left out may be reset.
// The client's id, and its secret if it has one, are sent with it, as
// the section requires.
func (r *Registrar) Update(ctx context.Context, c *Client, m Metadata) (*Client, error) {
	if err := manageable(c); err != nil {
		return nil, err
	}
	mb, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("registration: encoding metadata: %w", err)
	}
	var all map[string]any
	_ = json.Unmarshal(mb, &all) // produced by json.Marshal
	all["client_id"] = c.ClientID
	if c.ClientSecret != "" {
		all["client_secret"] = c.ClientSecret
	}
	body, _ := json.Marshal(all) // decoded from JSON
	return r.call(ctx, endpointConfiguration, http.MethodPut, c.RegistrationClientURI, c.RegistrationAccessToken, body, c)
}

// Delete deregisters the client (RFC 7592 section 2.3). Its credentials
// and registration access token stop working.
func (r *Registrar) Delete(ctx context.Context, c *Client) error {
	if err := manageable(c); err != nil {
		return err
	}
	resp, err := r.send(ctx, endpointConfiguration, http.MethodDelete, c.RegistrationClientURI, c.RegistrationAccessToken, nil)
	if err != nil {
		return err
	}
	if resp.status/100 != 2 {
		return resp.failure(endpointConfiguration)
	}
	return nil
}

// manageable checks that c carries what RFC 7592 needs.
func manageable(c *Client) error {
	switch {
	case c == nil:
		return fmt.Errorf("registration: %w: nil client", oauthkit.ErrInvalidConfig)
	case c.RegistrationClientURI == "":
		return fmt.Errorf("registration: client configuration: %w: no registration_client_uri", oauthkit.ErrNoEndpoint)
	case c.RegistrationAccessToken == "":
		return fmt.Errorf("registration: %w: no registration access token", oauthkit.ErrInvalidConfig)
	}
	return nil
}

// call sends a request whose answer is a client information response.
// prev, when not nil, is the client before the call: its registration
// access token and URI are kept when the answer does not rotate them, and
// its secret when the answer leaves it out and the client still
// authenticates with one, so that a saved client never loses a credential
// the server did not take back.
func (r *Registrar) call(ctx context.Context, endpoint, method, rawURL, token string, body []byte, prev *Client) (*Client, error) {
	resp, err := r.send(ctx, endpoint, method, rawURL, token, body)
	if err != nil {
		return nil, err
	}
	if resp.status/100 != 2 {
		return nil, resp.failure(endpoint)
	}
	c, err := parseClient(resp.body)
	if err != nil {
		return nil, resp.responseError(endpoint, fmt.Errorf("%w: %v", ErrInvalidClientInformation, err))
	}
	if prev != nil {
		if c.ClientID != prev.ClientID {
			return nil, resp.responseError(endpoint, fmt.Errorf("%w: client_id %q, want %q", ErrInvalidClientInformation, c.ClientID, prev.ClientID))
		}
		c.RegistrationAccessToken = cmpOr(c.RegistrationAccessToken, prev.RegistrationAccessToken)
		c.RegistrationClientURI = cmpOr(c.RegistrationClientURI, prev.RegistrationClientURI)
		if c.ClientSecret == "" && usesSecret(c.TokenEndpointAuthMethod) {
			c.ClientSecret, c.ClientSecretExpiresAt = prev.ClientSecret, prev.ClientSecretExpiresAt
		}
	}
	return c, nil
}

// usesSecret reports whether a token_endpoint_auth_method authenticates
// with the client secret; empty is RFC 7591's default,
// client_secret_basic.
func usesSecret(method string) bool {
	return method == "" || strings.HasPrefix(method, "client_secret_")
}

// parseClient decodes a client information response.
func parseClient(body []byte) (*Client, error) {
	if _, err := wire.DecodeJSON(body); err != nil {
		return nil, err
	}
	var c Client
	if err := json.Unmarshal(body, &c); err != nil {
		return nil, err
	}
	return &c, nil
}

// answer is a bounded endpoint answer.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// send makes one request, without following redirects, and reads the
// bounded answer.
func (r *Registrar) send(ctx context.Context, endpoint, method, rawURL, token string, body []byte) (*answer, error) {
	if err := checkURL(rawURL, r.cfg.InsecureAllowHTTP); err != nil {
		return nil, fmt.Errorf("registration: %s endpoint: %w", endpoint, err)
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, rd)
	if err != nil {
		return nil, fmt.Errorf("registration: %s endpoint: %w", endpoint, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("registration: %s endpoint: %w", endpoint, err)
	}
	defer resp.Body.Close()
	a := &answer{status: resp.StatusCode, header: resp.Header}
	if resp.StatusCode/100 == 3 {
		return nil, &oauthkit.ResponseError{Endpoint: endpoint, URL: rawURL, StatusCode: resp.StatusCode,
			ContentType: resp.Header.Get("Content-Type"), Location: resp.Header.Get("Location"), Err: oauthkit.ErrRedirect}
	}
	a.body, err = wire.ReadBody(resp.Body, wire.MaxBody)
	if errors.Is(err, wire.ErrTooLarge) {
		return nil, a.responseError(endpoint, oauthkit.ErrResponseTooLarge)
	}
	if err != nil {
		return nil, fmt.Errorf("registration: %s endpoint: reading body: %w", endpoint, err)
	}
	return a, nil
}

// failure turns a non-2xx answer into *oauthkit.Error (an RFC 7591
// section 3.2.2 error body) or *oauthkit.ResponseError.
func (a *answer) failure(endpoint string) error {
	if m, err := wire.DecodeJSON(a.body); err == nil {
		if code, _ := m["error"].(string); code != "" {
			desc, _ := m["error_description"].(string)
			return &oauthkit.Error{Endpoint: endpoint, StatusCode: a.status, Code: code, Description: desc, Body: bounded(a.body)}
		}
	}
	return a.responseError(endpoint, nil)
}

func (a *answer) responseError(endpoint string, err error) error {
	return &oauthkit.ResponseError{Endpoint: endpoint, StatusCode: a.status,
		ContentType: a.header.Get("Content-Type"), Body: bounded(a.body), Err: err}
}

// checkURL accepts an absolute http(s) URL that may carry credentials.
func checkURL(raw string, allowHTTP bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if !u.IsAbs() || u.Host == "" {
		return fmt.Errorf("%q is not an absolute URL", raw)
	}
	if err := secure.CheckTransport(u, allowHTTP); err != nil {
		return fmt.Errorf("%w: %v", oauthkit.ErrInsecureTransport, err)
	}
	return nil
}

// bounded returns at most 1 KiB of b, copied.
func bounded(b []byte) []byte {
	return bytes.Clone(b[:min(len(b), 1<<10)])
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func splitScope(s string) []string { return strings.Fields(s) }
