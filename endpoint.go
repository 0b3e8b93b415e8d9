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
	if c.dpop && s.dpop != nil {
		return s.postWithProof(ctx, c)
	}
	req, err := s.newPost(ctx, c)
	if err != nil {
		return nil, err
	}
	return s.send(req, c)
}

// newPost builds the request of c: the client authenticated (which may
// add to c.form), the transport checked, the request hooks run.
func (s *Session) newPost(ctx context.Context, c endpointCall) (*http.Request, error) {
	known := s.tokenEndpoint.is(c.url)
	raw := c.url
	if known {
		raw = "" // parsed already: copied into req.URL below
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, raw, nil)
	if err != nil {
		return nil, fmt.Errorf("oauthkit: %s endpoint: %w", c.endpoint, err)
	}
	if known {
		*req.URL = s.tokenEndpoint.u
	}
	pr := &postRequest{accept: [1]string{"application/json"}, contentType: [1]string{formContentType}}
	ar := &pr.ar
	*ar = ClientAuthRequest{
		ClientID: s.cfg.ClientID, ClientSecret: s.cfg.ClientSecret,
		Endpoint: c.endpoint, Method: req.Method, TokenURL: s.cfg.TokenURL, URL: req.URL,
		Header: req.Header, Form: c.form,
	}
	ar.Header["Accept"] = pr.accept[:]
	if ar.TokenURL == "" {
		ar.TokenURL = c.url
	}
	if c.auth != nil {
		if err := c.auth.AuthenticateClient(ctx, ar); err != nil {
			return nil, fmt.Errorf("oauthkit: %s endpoint: client authentication: %w", c.endpoint, err)
		}
	}
	if err := s.checkEndpointTransport(ar.URL); err != nil {
		return nil, fmt.Errorf("oauthkit: %s endpoint: %w", c.endpoint, err)
	}
	if len(ar.Form) > 0 {
		setFormBody(req, ar.Form.Encode())
		ar.Header["Content-Type"] = pr.contentType[:]
	}
	req.URL, req.Host = ar.URL, ar.URL.Host
	req.Header = ar.Header
	before := req.Body
	if err := runRequestHooks(c.reqHooks, req); err != nil {
		return nil, fmt.Errorf("oauthkit: %s endpoint: request hook: %w", c.endpoint, err)
	}
	if err := syncBody(req, before); err != nil {
		return nil, fmt.Errorf("oauthkit: %s endpoint: request hook: %w", c.endpoint, err)
	}
	return req, nil
}

// knownEndpoint is an endpoint URL parsed, and checked for transport
// security, once per session instead of once per request.
type knownEndpoint struct {
	raw string
	u   url.URL
	err error // checkURLTransport(u)
}

// newKnownEndpoint parses raw; an unparsable or empty raw is not known,
// and each request reports its problem.
func newKnownEndpoint(raw string, allowHTTP bool) knownEndpoint {
	u, err := url.Parse(raw)
	if raw == "" || err != nil {
		return knownEndpoint{}
	}
	return knownEndpoint{raw: raw, u: *u, err: checkURLTransport(u, allowHTTP)}
}

// is reports whether raw is the known endpoint.
func (e *knownEndpoint) is(raw string) bool { return e.raw != "" && raw == e.raw }

// checkEndpointTransport is checkURLTransport, with the verdict on the
// token endpoint made once: client authentication usually leaves the URL
// as it was.
func (s *Session) checkEndpointTransport(u *url.URL) error {
	if e := &s.tokenEndpoint; e.raw != "" && *u == e.u {
		return e.err
	}
	return checkURLTransport(u, s.cfg.InsecureAllowHTTP)
}

// formContentType is the media type of form-encoded bodies.
const formContentType = "application/x-www-form-urlencoded"

// postRequest is, in one allocation, what post hands to client
// authentication and the values of the headers it starts with. Each
// value slice has its own backing array, so appending to one copies it.
type postRequest struct {
	ar          ClientAuthRequest
	accept      [1]string
	contentType [1]string
}

// setFormBody makes enc the body of req, which can be sent again (on a
// redirect or retry by the transport). The body is a NopCloser over a
// strings.Reader, as http.NewRequest makes it: net/http recognizes it as
// in memory and sends it in the same packet as the headers.
func setFormBody(req *http.Request, enc string) {
	req.Body, req.ContentLength = io.NopCloser(strings.NewReader(enc)), int64(len(enc))
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(enc)), nil }
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
	body, err := wire.ReadSized(resp.Body, resp.ContentLength, wire.MaxBody)
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
