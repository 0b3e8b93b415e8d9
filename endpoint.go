package oauthkit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	scrub "github.com/oauthkit/oauthkit/internal/redact"
	"github.com/oauthkit/oauthkit/internal/secure"
	"github.com/oauthkit/oauthkit/internal/wire"
)

// Endpoint names used in errors.
const (
	endpointAuthorization = "authorization"
	endpointToken         = "token"
	endpointRevocation    = "revocation"
	endpointIntrospection = "introspection"
	endpointDevice        = "device authorization"
)

// endpointCall is one form POST to an authorization server endpoint.
type endpointCall struct {
	endpoint  string
	url       string
	form      url.Values
	auth      ClientAuth
	reqHooks  []func(*http.Request) error
	respHooks []func(*http.Response) error
	// dpop sends a DPoP proof when the session has a DPoP key, and
	// retries once on use_dpop_nonce (RFC 9449 sections 5 and 8): for the
	// token endpoint and for pushed authorization requests (section 10.1).
	dpop bool
}

// rawResponse is a bounded endpoint answer.
type rawResponse struct {
	status int
	header http.Header
	body   []byte
}

// transportError marks a failure to get an answer at all (network error,
// timeout, reset), which renewal may retry.
type transportError struct{ err error }

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// post authenticates the client, sends the form and reads the bounded
// answer. It refuses insecure transport. The answer is not interpreted.
func (s *Session) post(ctx context.Context, c endpointCall) (*rawResponse, error) {
	ctx, cancel := wire.WithDefaultTimeout(ctx, s.cfg.EndpointTimeout)
	defer cancel()
	u, err := url.Parse(c.url)
	if err != nil {
		return nil, fmt.Errorf("oauthkit: %s endpoint: %w", c.endpoint, err)
	}
	ar := &ClientAuthRequest{
		ClientID: s.cfg.ClientID, ClientSecret: s.cfg.ClientSecret,
		Endpoint: c.endpoint, TokenURL: s.cfg.TokenURL, URL: u,
		Header: http.Header{"Accept": {"application/json"}}, Form: c.form,
	}
	if ar.TokenURL == "" {
		ar.TokenURL = c.url
	}
	if c.auth != nil {
		if err := c.auth.AuthenticateClient(ctx, ar); err != nil {
			return nil, fmt.Errorf("oauthkit: %s endpoint: client authentication: %w", c.endpoint, err)
		}
	}
	if err := checkURLTransport(ar.URL, s.cfg.InsecureAllowHTTP); err != nil {
		return nil, fmt.Errorf("oauthkit: %s endpoint: %w", c.endpoint, err)
	}
	var body io.Reader
	if len(ar.Form) > 0 {
		body = strings.NewReader(ar.Form.Encode())
		ar.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	// Build from the parsed URL: no second parse of the same string.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "/", body)
	if err != nil {
		return nil, fmt.Errorf("oauthkit: %s endpoint: %w", c.endpoint, err)
	}
	req.URL, req.Host = ar.URL, ar.URL.Host
	req.Header = ar.Header
	if err := runRequestHooks(c.reqHooks, req); err != nil {
		return nil, fmt.Errorf("oauthkit: %s endpoint: request hook: %w", c.endpoint, err)
	}
	if c.dpop && s.dpop != nil {
		return s.sendWithProof(req, c)
	}
	return s.send(req, c)
}

// send sends an endpoint request without following redirects: the
// request carries client credentials or a grant, and a redirect would
// hand them to wherever it points.
func (s *Session) send(req *http.Request, c endpointCall) (*rawResponse, error) {
	resp, err := secure.NoRedirects(s.client).Do(req)
	if err != nil {
		// A custom client authentication may have put a secret in the URL,
		// and url.Error quotes it.
		scrub.URLError(err)
		return nil, &transportError{fmt.Errorf("oauthkit: %s endpoint: %w", c.endpoint, err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		return nil, &ResponseError{Endpoint: c.endpoint, StatusCode: resp.StatusCode,
			ContentType: resp.Header.Get("Content-Type"), Location: resp.Header.Get("Location"), Err: ErrRedirect}
	}
	if err := runResponseHooks(c.respHooks, resp); err != nil {
		return nil, fmt.Errorf("oauthkit: %s endpoint: response hook: %w", c.endpoint, err)
	}
	body, err := wire.ReadBody(resp.Body, wire.MaxBody)
	if errors.Is(err, wire.ErrTooLarge) {
		return nil, &ResponseError{Endpoint: c.endpoint, StatusCode: resp.StatusCode,
			ContentType: resp.Header.Get("Content-Type"), Err: ErrResponseTooLarge}
	}
	if err != nil {
		return nil, &transportError{fmt.Errorf("oauthkit: %s endpoint: reading body: %w", c.endpoint, err)}
	}
	return &rawResponse{status: resp.StatusCode, header: resp.Header, body: body}, nil
}

// decode decodes an answer into members, turning RFC 6749 section 5.2
// error bodies (at any status, 200 included) into *Error, and anything
// else that is not a 2xx object into *ResponseError.
func (r *rawResponse) decode(endpoint string) (map[string]any, error) {
	ct := r.header.Get("Content-Type")
	m, err := wire.Decode(ct, r.body)
	ra := parseRetryAfter(r.header.Get("Retry-After"), time.Now())
	if err == nil {
		if e := errorFromMembers(endpoint, r.status, m, r.body); e != nil {
			e.retryAfter = ra
			return nil, e
		}
	}
	if r.status < 200 || r.status > 299 {
		return nil, &ResponseError{Endpoint: endpoint, StatusCode: r.status, ContentType: ct, Body: bounded(r.body), retryAfter: ra}
	}
	if err != nil {
		return nil, &ResponseError{Endpoint: endpoint, StatusCode: r.status, ContentType: ct, Body: bounded(r.body), Err: err}
	}
	return m, nil
}

// errorFromMembers returns an *Error when m is an RFC 6749 error body.
func errorFromMembers(endpoint string, status int, m map[string]any, body []byte) *Error {
	code, ok := m["error"].(string)
	if !ok || code == "" {
		return nil
	}
	e := &Error{Endpoint: endpoint, StatusCode: status, Code: code, Body: bounded(body)}
	e.Description, _ = m["error_description"].(string)
	e.URI, _ = m["error_uri"].(string)
	return e
}

// resolveAuth picks the client authentication of one call.
func (s *Session) resolveAuth(p *tokenParams) (ClientAuth, error) {
	if p.auth != nil {
		return p.auth, nil
	}
	if p.authName != "" {
		return s.cfg.authMethodByName(p.authName)
	}
	return s.auth, nil
}
