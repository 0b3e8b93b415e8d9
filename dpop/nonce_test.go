package dpop

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestProver_UpdateNonce(t *testing.T) {
	t.Parallel()
	p := newProver(t, Config{})
	as := mustURL(t, "https://as.example/token")
	asOther := mustURL(t, "https://AS.example/par?x=1")
	rs := mustURL(t, "https://rs.example/api")
	if p.UpdateNonce(as, http.Header{}) {
		t.Error("UpdateNonce without a nonce = true")
	}
	if !p.UpdateNonce(as, http.Header{"Dpop-Nonce": {"n1"}}) {
		t.Error("first nonce: UpdateNonce = false")
	}
	if p.UpdateNonce(as, http.Header{"Dpop-Nonce": {"n1"}}) {
		t.Error("same nonce again: UpdateNonce = true")
	}
	if got := p.Nonce(asOther); got != "n1" {
		t.Errorf("Nonce(same origin) = %q; want n1", got)
	}
	if got := p.Nonce(rs); got != "" {
		t.Errorf("Nonce(other origin) = %q; want none", got)
	}
	proof, err := p.Proof("POST", asOther, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, c := verifyProof(t, proof, p.Algorithm()); c["nonce"] != "n1" {
		t.Errorf("proof nonce = %v; want the cached n1", c["nonce"])
	}
	if got := p.Nonce(mustURL(t, "https://as.example:443/token")); got != "n1" {
		t.Errorf("Nonce(same origin, default port written out) = %q; want n1", got)
	}
	if got := p.Nonce(mustURL(t, "http://as.example/token")); got != "" {
		t.Errorf("Nonce(other scheme) = %q; want none", got)
	}
	p.UpdateNonce(rs, http.Header{"Dpop-Nonce": {"r1"}})
	p.UpdateNonce(as, http.Header{"Dpop-Nonce": {"n2"}})
	if p.Nonce(as) != "n2" || p.Nonce(rs) != "r1" {
		t.Errorf("nonces = %q, %q; want n2, r1", p.Nonce(as), p.Nonce(rs))
	}
}

func TestProver_UpdateNonce_invalid(t *testing.T) {
	t.Parallel()
	for _, n := range []string{"", "has space", `quote"`, `back\slash`, "in\tside", "é", strings.Repeat("a", 513)} {
		p := newProver(t, Config{})
		u := mustURL(t, "https://as.example/token")
		if p.UpdateNonce(u, http.Header{"Dpop-Nonce": {n}}) || p.Nonce(u) != "" {
			t.Errorf("nonce %q accepted", n)
		}
	}
}

func TestNonceCache_bounded(t *testing.T) {
	t.Parallel()
	var c nonceCache
	for i := range maxNonces * 3 {
		c.set(mustURL(t, fmt.Sprintf("https://h%d.example/", i)), "n")
	}
	if len(c.m) > maxNonces {
		t.Errorf("cache holds %d origins; want at most %d", len(c.m), maxNonces)
	}
}

func TestProver_concurrent(t *testing.T) {
	t.Parallel()
	p := newProver(t, Config{})
	u := mustURL(t, "https://as.example/token")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			p.UpdateNonce(u, http.Header{"Dpop-Nonce": {fmt.Sprint("n", i)}})
			if _, err := p.Proof("POST", u, "tok"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}
