//go:build interop

package interop

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// maxBody bounds every response body the tests read.
const maxBody = 1 << 20

// tokenResponse is an RFC 6749 section 5.1 token response.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	IDToken      string `json:"id_token"`
	Scope        string `json:"scope"`
}

// deviceAuthorization is an RFC 8628 section 3.2 response. Interval is a
// pointer to tell "absent" from zero.
type deviceAuthorization struct {
	DeviceCode              string `json:"device_code"`
	UserCode                string `json:"user_code"`
	VerificationURI         string `json:"verification_uri"`
	VerificationURIComplete string `json:"verification_uri_complete"`
	ExpiresIn               int    `json:"expires_in"`
	Interval                *int   `json:"interval"`
}

// introspection is the part of an RFC 7662 response the tests check.
type introspection struct {
	Active    bool   `json:"active"`
	ClientID  string `json:"client_id"`
	Scope     string `json:"scope"`
	Sub       string `json:"sub"`
	TokenType string `json:"token_type"`
}

// oauthError is an RFC 6749 section 5.2 error response, or any other
// non-2xx answer.
type oauthError struct {
	StatusCode  int
	Code        string `json:"error"`
	Description string `json:"error_description"`
}

func (e *oauthError) Error() string {
	return fmt.Sprintf("interop: %q %q (HTTP %d)", e.Code, e.Description, e.StatusCode)
}

// postForm sends form, authenticated as c, to endpoint and decodes a 2xx
// JSON answer into out (which may be nil). Other answers are *oauthError.
func postForm(ctx context.Context, c client, endpoint string, form url.Values, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, nil)
	if err != nil {
		return err
	}
	if form, err = c.authenticate(req, form); err != nil {
		return err
	}
	body := form.Encode()
	req.Body = io.NopCloser(strings.NewReader(body))
	req.ContentLength = int64(len(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	return doJSON(req, out)
}

// doJSON sends req with httpClient and decodes a 2xx JSON answer into out.
func doJSON(req *http.Request, out any) error {
	resp, err := httpClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := &oauthError{StatusCode: resp.StatusCode}
		if json.Unmarshal(b, e) != nil || e.Code == "" {
			e.Description = string(b)
		}
		return e
	}
	if out == nil || len(b) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("interop: %s %s: decode %q: %w", req.Method, req.URL, b, err)
	}
	return nil
}

// token makes a token request as c and fails the test on error.
func token(t *testing.T, c client, form url.Values) tokenResponse {
	t.Helper()
	tok, err := tryToken(t.Context(), c, form)
	if err != nil {
		t.Fatalf("token request %s as %s: %v", form.Get("grant_type"), c.ID, err)
	}
	if tok.AccessToken == "" || !strings.EqualFold(tok.TokenType, "Bearer") {
		t.Fatalf("token response = access_token %q token_type %q; want a Bearer token", tok.AccessToken, tok.TokenType)
	}
	return tok
}

// tryToken makes a token request as c.
func tryToken(ctx context.Context, c client, form url.Values) (tokenResponse, error) {
	var tok tokenResponse
	err := postForm(ctx, c, op.Meta.TokenEndpoint, form, &tok)
	return tok, err
}

// wantErrorCode fails the test unless err is an *oauthError with code.
func wantErrorCode(t *testing.T, err error, code string) {
	t.Helper()
	var e *oauthError
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("error = %v; want OAuth error %q", err, code)
	}
}

// introspect asks the introspection endpoint about tok, as c.
func introspect(t *testing.T, c client, tok string) introspection {
	t.Helper()
	var got introspection
	if err := postForm(t.Context(), c, op.Meta.IntrospectionEndpoint, url.Values{"token": {tok}}, &got); err != nil {
		t.Fatalf("introspect as %s: %v", c.ID, err)
	}
	return got
}

// userInfo GETs the userinfo endpoint with accessToken.
func userInfo(t *testing.T, accessToken string) map[string]any {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, op.Meta.UserInfoEndpoint, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	var claims map[string]any
	if err := doJSON(req, &claims); err != nil {
		t.Fatalf("userinfo: %v", err)
	}
	return claims
}

// newPKCE returns an RFC 7636 verifier (32 random bytes, base64url) and its
// S256 challenge.
func newPKCE() (verifier, challenge string) {
	b := make([]byte, 32)
	rand.Read(b)
	verifier = base64.RawURLEncoding.EncodeToString(b)
	return verifier, s256(verifier)
}

// s256 is the RFC 7636 section 4.2 S256 code challenge of verifier.
func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
