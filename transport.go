package oauthkit

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/oauthkit/oauthkit/internal/secure"
	"github.com/oauthkit/oauthkit/internal/wire"
)

// Transport is an [http.RoundTripper] that authorizes each request with
// the session's token (RFC 6750), renewing the token first when it is
// due. The caller's request is never modified: a copy is sent.
//
// A Transport is safe for concurrent use by multiple goroutines.
type Transport struct {
	// Session supplies the token. Required.
	Session *Session
	// Base sends the authorized requests. Nil: the transport of
	// Config.HTTPClient, or [http.DefaultTransport].
	Base http.RoundTripper
}

// RoundTrip authorizes a copy of req and sends it with Base. Requests to
// plain http hosts other than loopback are refused with
// [ErrInsecureTransport] unless Config.InsecureAllowHTTP is set. A request
// that follows a redirect to another host is sent without the token.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	s := t.Session
	if secure.CrossOriginRedirect(req) {
		// Never hand the token to another host a server redirects to.
		return t.base().RoundTrip(req)
	}
	// Without DPoP every token goes where TokenPlacement says, so the
	// request is checked before anything is sent. A DPoP-bound token
	// always goes in the header (RFC 9449 section 7.1): with DPoP the
	// check waits for the token.
	var form url.Values
	var st *tokenState
	var err error
	if s.dpop == nil {
		form, err = s.bodyForm(req)
	}
	if err == nil {
		st, err = s.tokenFor(req.Context())
	}
	if err == nil && s.dpop != nil && !st.proof {
		form, err = s.bodyForm(req)
	}
	if err == nil {
		err = checkURLTransport(req.URL, s.cfg.InsecureAllowHTTP)
	}
	var r2 *http.Request
	if err == nil {
		r2, err = s.authorize(req, st, form)
	}
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	if st.proof {
		return t.roundTripDPoP(r2, st)
	}
	return t.base().RoundTrip(r2)
}

func (t *Transport) base() http.RoundTripper {
	if t.Base != nil {
		return t.Base
	}
	if c := t.Session.cfg.HTTPClient; c != nil && c.Transport != nil {
		return c.Transport
	}
	return http.DefaultTransport
}

// authorize returns a shallow copy of req carrying the token: in the
// Authorization header, or added to form (see bodyForm) as the new body.
// Only what is changed is copied: the header map always, the URL when
// hooks may change it.
func (s *Session) authorize(req *http.Request, st *tokenState, form url.Values) (*http.Request, error) {
	if st.authz == nil {
		return nil, fmt.Errorf("oauthkit: protected request: token type %q: %w", st.tok.TokenType, ErrUnsupportedTokenType)
	}
	r2 := new(http.Request)
	*r2 = *req
	// A shallow copy of the map: value slices are shared with the caller's
	// request and never written to.
	r2.Header = maps.Clone(req.Header)
	if r2.Header == nil {
		r2.Header = make(http.Header, 1)
	}
	if len(s.cfg.Hooks.ProtectedRequest) > 0 {
		u := *req.URL
		r2.URL = &u
	}
	if form != nil {
		form.Set("access_token", st.tok.AccessToken)
		setBody(r2, []byte(form.Encode()))
	} else {
		r2.Header["Authorization"] = st.authz
	}
	body := r2.Body
	if err := runRequestHooks(s.cfg.Hooks.ProtectedRequest, r2); err != nil {
		return nil, fmt.Errorf("oauthkit: protected request hook: %w", err)
	}
	if err := syncBody(r2, body); err != nil {
		return nil, fmt.Errorf("oauthkit: protected request hook: %w", err)
	}
	return r2, nil
}

// bodyForm returns, for Config.TokenPlacement TokenInBody, the form of
// req's body, read and closed, to which the token is added. It refuses,
// before anything is sent (a renewal included), a request that cannot
// carry the token there. It returns nil for header placement.
func (s *Session) bodyForm(req *http.Request) (url.Values, error) {
	if s.cfg.TokenPlacement != TokenInBody {
		return nil, nil
	}
	// RFC 6750 section 2.2: a method with body semantics, never GET, and
	// an application/x-www-form-urlencoded body.
	switch req.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodConnect:
		return nil, fmt.Errorf("%w: method %s", ErrNoFormBody, cmpOr(req.Method, http.MethodGet))
	}
	if ct := req.Header.Get("Content-Type"); wire.MediaType(ct) != "application/x-www-form-urlencoded" {
		return nil, fmt.Errorf("%w: content type %q", ErrNoFormBody, ct)
	}
	if req.Body == nil || req.Body == http.NoBody {
		return url.Values{}, nil
	}
	b, err := wire.ReadBody(req.Body, wire.MaxBody)
	req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("oauthkit: reading request body: %w", err)
	}
	form, err := url.ParseQuery(string(b))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoFormBody, err)
	}
	return form, nil
}

// clientOnce caches the session's authorizing client.
type clientOnce struct {
	once sync.Once
	c    *http.Client
}

// HTTPClient returns an [http.Client] whose requests carry the session's
// token, renewed when due. Its redirect policy, jar and timeout come from
// Config.HTTPClient.
func (s *Session) HTTPClient() *http.Client {
	s.hc.once.Do(func() {
		c := &http.Client{Transport: &Transport{Session: s}}
		if b := s.cfg.HTTPClient; b != nil {
			c.CheckRedirect, c.Jar, c.Timeout = b.CheckRedirect, b.Jar, b.Timeout
		}
		s.hc.c = c
	})
	return s.hc.c
}

// Do sends an authorized copy of req (Authlib's session.request).
func (s *Session) Do(req *http.Request) (*http.Response, error) {
	return s.HTTPClient().Do(req)
}

// Request sends an authorized request with the given method and body.
func (s *Session) Request(ctx context.Context, method, url string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return nil, fmt.Errorf("oauthkit: building request: %w", err)
	}
	return s.Do(req)
}

// Get sends an authorized GET.
func (s *Session) Get(ctx context.Context, url string) (*http.Response, error) {
	return s.Request(ctx, http.MethodGet, url, nil)
}

// Post sends an authorized POST with the given content type and body.
func (s *Session) Post(ctx context.Context, url, contentType string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, body)
	if err != nil {
		return nil, fmt.Errorf("oauthkit: building request: %w", err)
	}
	req.Header.Set("Content-Type", contentType)
	return s.Do(req)
}

// PostForm sends an authorized POST of a form-encoded body.
func (s *Session) PostForm(ctx context.Context, url string, data url.Values) (*http.Response, error) {
	return s.Post(ctx, url, "application/x-www-form-urlencoded", strings.NewReader(data.Encode()))
}

// Put sends an authorized PUT with the given content type and body.
func (s *Session) Put(ctx context.Context, url, contentType string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, url, body)
	if err != nil {
		return nil, fmt.Errorf("oauthkit: building request: %w", err)
	}
	req.Header.Set("Content-Type", contentType)
	return s.Do(req)
}

// Delete sends an authorized DELETE.
func (s *Session) Delete(ctx context.Context, url string) (*http.Response, error) {
	return s.Request(ctx, http.MethodDelete, url, nil)
}
