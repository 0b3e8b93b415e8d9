package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/oauthkit/oauthkit"
)

// Flow kinds.
const (
	kindLogin  = "login"
	kindLogout = "logout"
)

const (
	// cookieBase names the flow cookies, followed by the state.
	cookieBase = "oauthkit-flow-"
	// hostPrefix is the cookie name prefix that makes browsers insist on
	// Secure, Path=/ and no Domain (RFC 6265bis section 4.1.3.2).
	hostPrefix = "__Host-"
	// maxFlows bounds the flow cookies one browser holds at once: the
	// oldest are dropped when more logins are started.
	maxFlows = 8
	// maxState bounds the state values accepted from callbacks.
	maxState = 128
)

// flow is a login or logout in progress: what the callback needs to
// finish it.
type flow struct {
	Kind     string                        `json:"k"`
	Provider string                        `json:"p"`
	ReturnTo string                        `json:"r,omitempty"`
	Expires  int64                         `json:"e"` // Unix seconds
	Request  oauthkit.AuthorizationRequest `json:"a"` // without URL
	Binding  string                        `json:"b,omitempty"`
}

// FlowStore keeps login flows on the server, for apps that prefer that
// to sealed cookies: the state, nonce and PKCE verifier then never leave
// the server, and several replicas can share flows through one store
// (Redis, a database). The browser still gets one small cookie per flow,
// holding a random value whose hash the stored flow records, so that a
// callback completes only in the browser that started the login.
//
// Implementations must be safe for concurrent use by multiple goroutines.
type FlowStore interface {
	// Save stores value under key until expires.
	Save(ctx context.Context, key string, value []byte, expires time.Time) error
	// Take returns the value stored under key and deletes it, atomically,
	// so that a flow is completed once only (Redis GETDEL, a DELETE ...
	// RETURNING). It returns an error matching [ErrFlowNotFound] when
	// there is no value, or when it has expired.
	Take(ctx context.Context, key string) ([]byte, error)
}

// flows saves and takes flows for one [Login]: in sealed cookies, or in a
// FlowStore with a binding cookie.
type flows struct {
	sealer *Sealer   // for sealed cookies; nil with a store
	store  FlowStore // nil for sealed cookies
	secure bool      // Secure cookies with the __Host- prefix
	ttl    time.Duration
	now    func() time.Time
	used   usedStates
}

// cookieName is the name of the flow cookie of state.
func (f *flows) cookieName(state string) string {
	if f.secure {
		return hostPrefix + cookieBase + state
	}
	return cookieBase + state
}

// cookie returns the flow cookie of state with value, lasting maxAge
// seconds (negative: deleted).
func (f *flows) cookie(state, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: f.cookieName(state), Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: f.secure, SameSite: http.SameSiteLaxMode,
	}
}

// save records fl and sets its cookie, dropping the oldest flow cookies
// beyond maxFlows.
func (f *flows) save(ctx context.Context, w http.ResponseWriter, r *http.Request, fl *flow) error {
	state := fl.Request.State
	fl.Expires = f.now().Add(f.ttl).Unix()
	value := ""
	if f.store == nil {
		b, err := json.Marshal(fl)
		if err != nil {
			return fmt.Errorf("web: encoding the flow: %w", err)
		}
		value = f.sealer.Seal(f.cookieName(state), b)
	} else {
		value = rand.Text()
		fl.Binding = bindingHash(value)
		b, err := json.Marshal(fl)
		if err != nil {
			return fmt.Errorf("web: encoding the flow: %w", err)
		}
		if err := f.store.Save(ctx, state, b, time.Unix(fl.Expires, 0)); err != nil {
			return fmt.Errorf("web: saving the flow: %w", err)
		}
	}
	f.dropExtra(w, r)
	http.SetCookie(w, f.cookie(state, value, int(f.ttl/time.Second)))
	return nil
}

// dropExtra deletes flow cookies so that, with the new one, at most
// maxFlows remain.
func (f *flows) dropExtra(w http.ResponseWriter, r *http.Request) {
	prefix := f.cookieName("")
	var states []string
	for _, c := range r.Cookies() {
		if s, ok := strings.CutPrefix(c.Name, prefix); ok {
			states = append(states, s)
		}
	}
	for len(states) >= maxFlows {
		http.SetCookie(w, f.cookie(states[0], "", -1))
		states = states[1:]
	}
}

func bindingHash(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:])
}

// take finds, checks and removes the flow of state (the state parameter
// of a callback) of the given kind, and deletes its cookie. The flow is
// accepted once only.
func (f *flows) take(ctx context.Context, w http.ResponseWriter, r *http.Request, state, kind string) (*flow, error) {
	if state == "" || len(state) > maxState || strings.ContainsFunc(state, notTokenRune) {
		return nil, fmt.Errorf("%w: missing or malformed state", oauthkit.ErrStateMismatch)
	}
	if f.used.has(state) {
		return nil, ErrFlowReplayed
	}
	c, err := r.Cookie(f.cookieName(state))
	if err != nil {
		return nil, f.noCookie(r)
	}
	http.SetCookie(w, f.cookie(state, "", -1))
	fl, err := f.open(ctx, state, c.Value)
	if err != nil {
		return nil, err
	}
	now := f.now()
	switch {
	case subtle.ConstantTimeCompare([]byte(fl.Request.State), []byte(state)) != 1:
		return nil, fmt.Errorf("%w: the flow cookie is for another state", ErrTampered)
	case fl.Kind != kind:
		return nil, fmt.Errorf("%w: a %s callback for a %s flow", oauthkit.ErrStateMismatch, kind, fl.Kind)
	case !now.Before(time.Unix(fl.Expires, 0)):
		return nil, fmt.Errorf("%w: started more than %v ago", ErrFlowExpired, f.ttl)
	case !f.used.use(state, time.Unix(fl.Expires, 0), now):
		return nil, ErrFlowReplayed
	}
	return fl, nil
}

// noCookie explains a callback without a flow cookie for its state.
func (f *flows) noCookie(r *http.Request) error {
	prefix := f.cookieName("")
	for _, c := range r.Cookies() {
		if strings.HasPrefix(c.Name, prefix) {
			return fmt.Errorf("%w: no login in progress has this state", oauthkit.ErrStateMismatch)
		}
	}
	return ErrFlowNotFound
}

// open reads the flow behind a cookie value.
func (f *flows) open(ctx context.Context, state, value string) (*flow, error) {
	var b []byte
	if f.store == nil {
		var err error
		if b, err = f.sealer.Open(f.cookieName(state), value); err != nil {
			return nil, err
		}
	} else {
		var err error
		if b, err = f.store.Take(ctx, state); err != nil {
			if errors.Is(err, ErrFlowNotFound) {
				return nil, err
			}
			return nil, fmt.Errorf("web: reading the flow: %w", err)
		}
	}
	var fl flow
	if err := json.Unmarshal(b, &fl); err != nil {
		return nil, fmt.Errorf("%w: undecodable flow: %v", ErrTampered, err)
	}
	if f.store != nil && subtle.ConstantTimeCompare([]byte(fl.Binding), []byte(bindingHash(value))) != 1 {
		return nil, fmt.Errorf("%w: the flow cookie does not match the stored flow", ErrTampered)
	}
	return &fl, nil
}

// notTokenRune reports characters that may not appear in a cookie name
// (RFC 6265 section 4.1.1: a token).
func notTokenRune(r rune) bool {
	return r <= ' ' || r >= 0x7f || strings.ContainsRune(`()<>@,;:\"/[]?={}`, r)
}

// usedStates remembers the states accepted in this process until their
// flows expire, so that a replayed callback fails even if the browser
// (or an attacker) still holds the flow cookie. With a FlowStore, Take
// gives the same guarantee across processes.
type usedStates struct {
	mu   sync.Mutex // guards m
	m    map[string]time.Time
	adds int
}

func (u *usedStates) has(state string) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	_, ok := u.m[state]
	return ok
}

// use marks state used until `until` and reports whether it was unused.
func (u *usedStates) use(state string, until, now time.Time) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if _, ok := u.m[state]; ok {
		return false
	}
	if u.m == nil {
		u.m = make(map[string]time.Time)
	}
	if u.adds++; u.adds%256 == 0 {
		for k, t := range u.m {
			if now.After(t) {
				delete(u.m, k)
			}
		}
	}
	u.m[state] = until
	return true
}
