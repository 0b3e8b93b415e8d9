package oauthtest_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/url"
	"testing"

	"github.com/oauthkit/oauthkit/jose"
	"github.com/oauthkit/oauthkit/oauthtest"
)

// responseClaims verifies a JARM response JWT with the server's keys.
func responseClaims(t *testing.T, srv *oauthtest.Server, tok string, keys ...*jose.Key) (map[string]any, error) {
	t.Helper()
	if jose.IsEncrypted(tok) {
		b, err := jose.Decrypt(tok, keys, jose.DecryptOptions{})
		if err != nil {
			t.Fatalf("Decrypt: %v", err)
		}
		tok = string(b)
	}
	v, err := jose.Verify(t.Context(), tok, srv.PublicKeys(), jose.VerifyOptions{})
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(v.Payload, &m); err != nil {
		t.Fatal(err)
	}
	return m, nil
}

func TestJARM(t *testing.T) {
	t.Parallel()
	priv, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	encKey, _ := jose.NewEncryptionKey(priv, "rp-enc", "")
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}})
	enc := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}, ResponseEncryptionKey: encKey.Public()})
	tests := []struct {
		name, mode string
		client     oauthtest.Client
		where      func(*url.URL) url.Values
	}{
		{name: "jwt", mode: "jwt", client: c, where: func(u *url.URL) url.Values { return u.Query() }},
		{name: "query.jwt", mode: "query.jwt", client: c, where: func(u *url.URL) url.Values { return u.Query() }},
		{name: "fragment.jwt", mode: "fragment.jwt", client: c, where: fragmentValues},
		{name: "form_post.jwt", mode: "form_post.jwt", client: c, where: func(u *url.URL) url.Values { return u.Query() }},
		{name: "encrypted", mode: "jwt", client: enc, where: func(u *url.URL) url.Values { return u.Query() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := codeParams(tt.client)
			p.Set("response_mode", tt.mode)
			v := tt.where(authorize(t, srv, p))
			if len(v) != 1 || v.Get("response") == "" {
				t.Fatalf("callback parameters %v; want response only", v)
			}
			m, err := responseClaims(t, srv, v.Get("response"), encKey)
			if err != nil {
				t.Fatalf("response JWT: %v", err)
			}
			if m["iss"] != srv.URL || m["aud"] != tt.client.ID || m["state"] != "xyz" || m["code"] == nil || m["exp"] == nil {
				t.Errorf("response claims = %v; want iss, aud, state, code and exp", m)
			}
		})
	}
}

func fragmentValues(u *url.URL) url.Values {
	v, _ := url.ParseQuery(u.Fragment)
	return v
}

func TestJARM_faults(t *testing.T) {
	t.Parallel()
	srv := newServer(t, nil)
	c := srv.RegisterClient(oauthtest.Client{RedirectURIs: []string{callback}})
	srv.InjectJWTFault(oauthtest.JWTFault{Kind: oauthtest.JARMResponseJWT, BadSignature: true, Times: 1})
	srv.InjectJWTFault(oauthtest.JWTFault{Kind: oauthtest.JARMResponseJWT, WrongAudience: true, Times: 1})
	p := codeParams(c)
	p.Set("response_mode", "jwt")
	if _, err := responseClaims(t, srv, authorize(t, srv, p).Query().Get("response")); !errors.Is(err, jose.ErrInvalidSignature) {
		t.Errorf("first response: %v; want a bad signature", err)
	}
	m, err := responseClaims(t, srv, authorize(t, srv, p).Query().Get("response"))
	if err != nil || m["aud"] != "wrong-client" {
		t.Errorf("second response: %v %v; want aud wrong-client", m, err)
	}
	m, err = responseClaims(t, srv, authorize(t, srv, p).Query().Get("response"))
	if err != nil || m["aud"] != c.ID {
		t.Errorf("third response: %v %v; want a good one", m, err)
	}
}
