package oauthkit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

type grantFunc func(ctx context.Context) (url.Values, error)

func (f grantFunc) TokenParams(ctx context.Context) (url.Values, error) { return f(ctx) }

type validatorFunc func(ctx context.Context, tok *Token, c IDTokenCheck) (IDTokenClaims, error)

func (f validatorFunc) ValidateIDToken(ctx context.Context, tok *Token, c IDTokenCheck) (IDTokenClaims, error) {
	return f(ctx, tok, c)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestSession_renewalPanic(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		// set installs user code that calls boom on every renewal.
		set func(c *Config, boom func())
	}{
		{"OnTokenUpdate", func(c *Config, boom func()) {
			c.OnTokenUpdate = func(context.Context, TokenUpdate) error { boom(); return nil }
		}},
		{"refresh response hook", func(c *Config, boom func()) {
			c.Hooks.RefreshTokenResponse = []func(*http.Response) error{func(*http.Response) error { boom(); return nil }}
		}},
		{"client auth", func(c *Config, boom func()) {
			c.ClientAuth = ClientAuthFunc(func(context.Context, *ClientAuthRequest) error { boom(); return nil })
		}},
		{"id token validator", func(c *Config, boom func()) {
			c.IDTokenValidator = validatorFunc(func(context.Context, *Token, IDTokenCheck) (IDTokenClaims, error) { boom(); return nil, nil })
		}},
		{"grant", func(c *Config, boom func()) {
			c.Grant = grantFunc(func(context.Context) (url.Values, error) {
				boom()
				return url.Values{"grant_type": {"urn:example:custom"}}, nil
			})
		}},
		{"http transport", func(c *Config, boom func()) {
			c.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				if r.URL.Path == "/token" {
					boom()
				}
				return http.DefaultTransport.RoundTrip(r)
			})}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newFake(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/token" {
					return
				}
				writeJSON(w, 200, map[string]any{"access_token": "new", "token_type": "Bearer", "expires_in": 3600, "id_token": "h.p.s"})
			})
			clk := newClock()
			var armed atomic.Bool
			armed.Store(true)
			cfg := Config{TokenURL: srv.URL + "/token", Now: clk.Now}
			tt.set(&cfg, func() {
				if armed.Load() {
					panic(fmt.Sprintf("boom in %s", tt.name))
				}
			})
			s := mustSession(t, cfg)
			old := &Token{AccessToken: "old", TokenType: "Bearer", RefreshToken: "rt1", ExpiresAt: clk.Now().Add(-time.Second)}
			if cfg.Grant != nil {
				old.RefreshToken = "" // renewed with the grant
			}
			s.SetToken(old)

			var wg sync.WaitGroup
			for range 5 {
				wg.Go(func() {
					_, err := s.ValidToken(t.Context())
					pe, ok := errors.AsType[*PanicError](err)
					if !ok {
						t.Errorf("err = %v, want a *PanicError", err)
						return
					}
					if !strings.Contains(pe.Error(), "boom in") || strings.Contains(pe.Error(), "\n") {
						t.Errorf("Error() = %q, want the panic value on one line", pe.Error())
					}
					if full := fmt.Sprintf("%+v", err); !strings.Contains(full, "goroutine") || !strings.Contains(full, "renewal_test.go") {
						t.Errorf("%%+v lacks the stack:\n%s", full)
					}
				})
			}
			wg.Wait()
			if s.Renewing() {
				t.Error("renewal still in flight after the panic")
			}
			// The session stays usable.
			armed.Store(false)
			clk.Add(10 * time.Second)
			resp, err := s.Get(t.Context(), srv.URL+"/api")
			if err != nil {
				t.Fatalf("request after the panic: %v", err)
			}
			resp.Body.Close()
			if got := srv.last(t).Header.Get("Authorization"); got != "Bearer new" {
				t.Errorf("request after the panic sent %q, want the new token", got)
			}
		})
	}
}

func TestPanicError_unwrap(t *testing.T) {
	t.Parallel()
	inner := errors.New("inner")
	if err := error(&PanicError{Value: inner}); !errors.Is(err, inner) {
		t.Error("a panic with an error value does not match it")
	}
	if err := (&PanicError{Value: 42}).Unwrap(); err != nil {
		t.Errorf("Unwrap of a non-error value = %v", err)
	}
}
