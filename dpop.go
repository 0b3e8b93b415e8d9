package oauthkit

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/oauthkit/oauthkit/dpop"
	"github.com/oauthkit/oauthkit/internal/wire"
)

// DPoP (RFC 9449) in the session: proofs on token requests (the token
// client, postWithProof) and on requests with a DPoP-bound token (the
// transport, roundTripDPoP), each retried once when the server asks for a
// nonce. None of it runs for bearer tokens.

// newProver builds the session's prover from Config.DPoP, on the session's
// clock unless the config names one.
func (s *Session) newProver() (*dpop.Prover, error) {
	c := *s.cfg.DPoP
	if c.Now == nil {
		c.Now = s.now
	}
	p, err := dpop.New(c)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return p, nil
}

// DPoP returns the session's DPoP prover, nil when Config.DPoP is not set:
// its Thumbprint is the key's "jkt", and its Proof adds proofs to requests
// the session does not make itself.
func (s *Session) DPoP() *dpop.Prover { return s.dpop }

// isDPoPType reports whether a token_type is DPoP (RFC 9449 section 5),
// matched case-insensitively as RFC 6749 section 5.1 says of types.
func isDPoPType(t string) bool { return strings.EqualFold(t, dpop.Scheme) }

// checkIssued applies the checks that depend on the session and the grant
// to a token the token endpoint issued: a DPoP-bound token is refused by a
// session without a key to use it with.
func (s *Session) checkIssued(g Grant, tok *Token, r *rawResponse) error {
	if s.dpop == nil && isDPoPType(tok.TokenType) {
		return &ResponseError{Endpoint: endpointToken, StatusCode: r.status, ContentType: r.header.Get("Content-Type"),
			Err: fmt.Errorf("%w: %q needs Config.DPoP", ErrUnsupportedTokenType, tok.TokenType)}
	}
	return checkGrantToken(g, tok, r)
}

// postWithProof sends an endpoint request with a DPoP proof (RFC 9449
// section 5) and, when the server answers use_dpop_nonce with a nonce
// other than the one the proof had, once more with a proof carrying it
// (section 8). The nonce cache learns from every answer. The second
// request is built anew from the form as the caller gave it, client
// authentication included: a client assertion is good for one request
// (RFC 7523 section 3), and servers check it, and record its jti, before
// they look at the proof.
func (s *Session) postWithProof(ctx context.Context, c endpointCall) (*rawResponse, error) {
	form := c.form
	c.form = cloneForm(form) // client authentication adds to it
	for retried := false; ; retried = true {
		req, err := s.newPost(ctx, c)
		if err != nil {
			return nil, err
		}
		used := s.dpop.Nonce(req.URL)
		proof, err := s.dpop.ProofWithNonce(req.Method, req.URL, "", used)
		if err != nil {
			return nil, fmt.Errorf("oauthkit: %s endpoint: %w", c.endpoint, err)
		}
		req.Header.Set(dpop.HeaderProof, proof)
		raw, err := s.send(req, c)
		if err != nil {
			return nil, err
		}
		s.dpop.UpdateNonce(req.URL, raw.header)
		if retried || s.dpop.Nonce(req.URL) == used || !raw.useDPoPNonce() {
			return raw, nil
		}
		c.form = form
	}
}

// cloneForm returns a deep copy of f.
func cloneForm(f url.Values) url.Values {
	c := make(url.Values, len(f))
	for k, vs := range f {
		c[k] = slices.Clone(vs)
	}
	return c
}

// useDPoPNonce reports whether an answer is the use_dpop_nonce error, in
// the body (RFC 9449 section 8) or, as some servers send it, in a
// challenge.
func (r *rawResponse) useDPoPNonce() bool {
	if r.status < 400 {
		return false
	}
	if m, err := wire.Decode(r.header.Get("Content-Type"), r.body); err == nil && m["error"] == ErrorCodeUseDPoPNonce {
		return true
	}
	return nonceChallenge(r.header)
}

// nonceChallenge reports whether h has a DPoP challenge with error
// use_dpop_nonce (RFC 9449 section 9).
func nonceChallenge(h http.Header) bool {
	cs, err := ParseWWWAuthenticate(h)
	if err != nil {
		return false
	}
	for _, c := range cs {
		if c.Is(dpop.Scheme) && c.Error == ErrorCodeUseDPoPNonce {
			return true
		}
	}
	return false
}

// roundTripDPoP sends r2, which carries a DPoP-bound token, with a proof
// (RFC 9449 section 7) and, when the resource answers 401 with
// use_dpop_nonce and a new nonce, once more with a proof carrying it
// (section 9). The proof is made last, after the hooks have had their say
// on the method and URL.
func (t *Transport) roundTripDPoP(r2 *http.Request, st *tokenState) (*http.Response, error) {
	p := t.Session.dpop
	used := p.Nonce(r2.URL)
	if err := setProof(p, r2, st.tok.AccessToken, used); err != nil {
		closeBody(r2)
		return nil, err
	}
	resp, err := t.base().RoundTrip(r2)
	if err != nil {
		return nil, err
	}
	p.UpdateNonce(r2.URL, resp.Header)
	if resp.StatusCode != http.StatusUnauthorized || p.Nonce(r2.URL) == used || !nonceChallenge(resp.Header) {
		return resp, nil
	}
	r3 := new(http.Request)
	*r3 = *r2
	r3.Header = r2.Header.Clone()
	if r2.Body != nil && r2.Body != http.NoBody {
		if r2.GetBody == nil {
			return resp, nil // the body is gone: the caller sees the 401
		}
		if r3.Body, err = r2.GetBody(); err != nil {
			return resp, nil
		}
	}
	if err := setProof(p, r3, st.tok.AccessToken, p.Nonce(r3.URL)); err != nil {
		closeBody(r3)
		return resp, nil
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
	resp, err = t.base().RoundTrip(r3)
	if err == nil {
		p.UpdateNonce(r3.URL, resp.Header)
	}
	return resp, err
}

// setProof sets the DPoP header of r for accessToken with nonce.
func setProof(p *dpop.Prover, r *http.Request, accessToken, nonce string) error {
	proof, err := p.ProofWithNonce(r.Method, r.URL, accessToken, nonce)
	if err != nil {
		return fmt.Errorf("oauthkit: protected request: %w", err)
	}
	r.Header[http.CanonicalHeaderKey(dpop.HeaderProof)] = []string{proof}
	return nil
}

func closeBody(r *http.Request) {
	if r.Body != nil {
		r.Body.Close()
	}
}

// WithDPoPJKT adds dpop_jkt, the thumbprint of the session's DPoP key, to
// the authorization request (RFC 9449 section 10), so that the server
// binds the authorization code to the key: a code stolen on its way back
// cannot be redeemed without it. It needs Config.DPoP.
func WithDPoPJKT() AuthURLOption {
	return authURLFunc(func(p *authURLParams) { p.dpopJKT = true })
}

// addDPoPJKT sets dpop_jkt when the request asks for it.
func (s *Session) addDPoPJKT(q map[string][]string, p *authURLParams) error {
	if !p.dpopJKT {
		return nil
	}
	if s.dpop == nil {
		return fmt.Errorf("%w: dpop_jkt without Config.DPoP", ErrInvalidConfig)
	}
	q["dpop_jkt"] = []string{s.dpop.Thumbprint()}
	return nil
}
