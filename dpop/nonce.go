package dpop

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// maxNonces bounds the nonce cache: beyond it, an arbitrary entry makes
// room, so a client talking to many hosts cannot grow it without limit.
const maxNonces = 256

// origin is a nonce cache key: the scheme and host of a URL, lowercased,
// without the scheme's default port (see authority).
type origin struct{ scheme, host string }

func originOf(u *url.URL) origin {
	scheme := strings.ToLower(u.Scheme)
	return origin{scheme, authority(scheme, u.Host)}
}

// nonceCache holds the last nonce each origin sent (RFC 9449 sections 8
// and 9: a nonce is valid for the server that issued it).
type nonceCache struct {
	mu sync.RWMutex // guards m
	m  map[origin]string
}

func (c *nonceCache) get(u *url.URL) string {
	if u == nil {
		return ""
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.m[originOf(u)]
}

// set records nonce for u's origin and reports whether it changed.
func (c *nonceCache) set(u *url.URL, nonce string) bool {
	o := originOf(u)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m[o] == nonce {
		return false
	}
	if c.m == nil {
		c.m = make(map[origin]string)
	}
	if _, ok := c.m[o]; !ok && len(c.m) >= maxNonces {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[o] = nonce
	return true
}

// Nonce returns the nonce cached for u's origin, or "".
func (p *Prover) Nonce(u *url.URL) string { return p.nonces.get(u) }

// UpdateNonce records the DPoP-Nonce of a response from u, if h has one,
// for the next proofs to u's origin, and reports whether the cached nonce
// changed. Call it with every response, successful or not: servers may
// hand out a fresh nonce at any time (RFC 9449 section 8.2).
func (p *Prover) UpdateNonce(u *url.URL, h http.Header) bool {
	if u == nil {
		return false
	}
	n := strings.TrimSpace(h.Get(HeaderNonce))
	if !validNonce(n) {
		return false
	}
	return p.nonces.set(u, n)
}

// validNonce: RFC 9449 section 8.1, nonce = 1*NQCHAR, at most 512 bytes
// here so that a server cannot grow every proof without bound.
func validNonce(n string) bool {
	if n == "" || len(n) > 512 {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
