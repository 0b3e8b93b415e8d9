package oauthtest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/oauthkit/oauthkit/jose"
)

// DPoP error codes (RFC 9449 §§5, 7.1, 8).
const (
	errInvalidDPoPProof = "invalid_dpop_proof"
	errUseDPoPNonce     = "use_dpop_nonce"
)

// dpopProofWindow bounds how far a proof's iat may lie from the server's
// clock (RFC 9449 §11.1); a jti is remembered twice as long.
const dpopProofWindow = time.Minute

// defaultDPoPAlgorithms are the proof algorithms accepted when
// Server.DPoPAlgorithms is empty: every asymmetric one (RFC 9449 §4.2).
var defaultDPoPAlgorithms = asymmetricAlgorithms

// dpopClaims are the claims of a proof (RFC 9449 §4.2).
type dpopClaims struct {
	JTI   string `json:"jti"`
	HTM   string `json:"htm"`
	HTU   string `json:"htu"`
	IAT   *int64 `json:"iat"`
	ATH   string `json:"ath"`
	Nonce string `json:"nonce"`
}

func (s *Server) dpopAlgorithms() []string {
	if len(s.DPoPAlgorithms) > 0 {
		return s.DPoPAlgorithms
	}
	return defaultDPoPAlgorithms
}

// dpopProof checks the DPoP proof of a request, as RFC 9449 §4.3 lists,
// and returns the JWK thumbprint of its key, or "" when the request has
// no proof. accessToken is the token the request carries to a resource,
// whose hash the proof's ath must be; "" at the token endpoint, where ath
// must be absent.
func (s *Server) dpopProof(r *http.Request, accessToken string) (string, *oauthError) {
	values := r.Header.Values("DPoP")
	switch len(values) {
	case 0:
		return "", nil
	case 1:
	default:
		return "", dpopError(errInvalidDPoPProof, "more than one DPoP header")
	}
	key, claims, e := s.verifyProofJWT(r, values[0])
	if e != nil {
		return "", e
	}
	if e := s.checkProofClaims(r, claims, accessToken); e != nil {
		return "", e
	}
	jkt, err := key.Thumbprint()
	if err != nil {
		return "", dpopError(errInvalidDPoPProof, "jwk has no thumbprint")
	}
	return jkt, nil
}

// verifyProofJWT checks the proof's header and signature with the key it
// carries, and decodes its claims.
func (s *Server) verifyProofJWT(r *http.Request, proof string) (*jose.Key, *dpopClaims, *oauthError) {
	h, _, err := jose.UnsafeDecode(proof)
	if err != nil {
		return nil, nil, dpopError(errInvalidDPoPProof, "proof is not a JWS: "+joseDetail(err))
	}
	if h.Type != "dpop+jwt" {
		return nil, nil, dpopError(errInvalidDPoPProof, "typ must be dpop+jwt")
	}
	raw, err := json.Marshal(h.Extra["jwk"])
	if err != nil || h.Extra["jwk"] == nil {
		return nil, nil, dpopError(errInvalidDPoPProof, "no jwk header")
	}
	key, err := jose.ParseJWK(raw)
	if err != nil || key.IsPrivate() {
		return nil, nil, dpopError(errInvalidDPoPProof, "jwk is not a public key")
	}
	key.KeyID = h.KeyID // a kid, if any, names this very key
	v, err := jose.Verify(r.Context(), proof, &jose.KeySet{Keys: []*jose.Key{key}},
		jose.VerifyOptions{Algorithms: s.dpopAlgorithms()})
	if err != nil {
		return nil, nil, dpopError(errInvalidDPoPProof, "proof: "+joseDetail(err))
	}
	var c dpopClaims
	if err := json.Unmarshal(v.Payload, &c); err != nil {
		return nil, nil, dpopError(errInvalidDPoPProof, "malformed claims")
	}
	return key, &c, nil
}

// checkProofClaims checks htm, htu, iat, ath, nonce and jti, the last so
// that a proof is used once.
func (s *Server) checkProofClaims(r *http.Request, c *dpopClaims, accessToken string) *oauthError {
	now := s.now()
	switch {
	case c.JTI == "" || c.HTM == "" || c.HTU == "" || c.IAT == nil:
		return dpopError(errInvalidDPoPProof, "jti, htm, htu and iat are required")
	case c.HTM != r.Method:
		return dpopError(errInvalidDPoPProof, "htm does not match the request method")
	case !strings.EqualFold(strings.TrimSuffix(c.HTU, "/"), strings.TrimSuffix(requestTarget(r), "/")):
		return dpopError(errInvalidDPoPProof, "htu does not match the request URI")
	case time.Unix(*c.IAT, 0).Before(now.Add(-dpopProofWindow)) || time.Unix(*c.IAT, 0).After(now.Add(dpopProofWindow)):
		return dpopError(errInvalidDPoPProof, "iat too far from now")
	case accessToken == "" && c.ATH != "":
		return dpopError(errInvalidDPoPProof, "ath at the token endpoint")
	case accessToken != "" && c.ATH != accessTokenHash(accessToken):
		return dpopError(errInvalidDPoPProof, "ath does not match the access token")
	}
	if s.DPoPNonce && !s.validNonce(c.Nonce) {
		return dpopError(errUseDPoPNonce, "proof needs the server's current nonce")
	}
	if !s.useJTI("\x00dpop", c.JTI, now.Add(2*dpopProofWindow)) {
		return dpopError(errInvalidDPoPProof, "proof replayed")
	}
	return nil
}

// requestTarget is the URI the client sent r to, without query, as htu
// names it.
func requestTarget(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + r.URL.EscapedPath()
}

// accessTokenHash is the ath of an access token (RFC 9449 §4.2).
func accessTokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func dpopError(code, description string) *oauthError {
	return &oauthError{code: code, description: description}
}

// RotateDPoPNonce makes the server hand out a new DPoP nonce (with
// [Server.DPoPNonce]). Proofs with the previous nonce are still accepted
// until the next rotation, as a server would during a roll-over; the
// one before is refused with use_dpop_nonce.
func (s *Server) RotateDPoPNonce() {
	n := rand.Text()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dpopNonces = [2]string{n, s.dpopNonces[0]}
}

// currentNonce returns the nonce to hand out, making the first one when
// needed.
func (s *Server) currentNonce() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dpopNonces[0] == "" {
		s.dpopNonces[0] = rand.Text()
	}
	return s.dpopNonces[0]
}

func (s *Server) validNonce(n string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return n != "" && slices.Contains(s.dpopNonces[:], n)
}

// sendDPoPNonce adds the current nonce to an answer of the token endpoint
// or a resource, successful or not (RFC 9449 §8.2).
func (s *Server) sendDPoPNonce(w http.ResponseWriter) {
	if s.DPoPNonce {
		w.Header().Set("DPoP-Nonce", s.currentNonce())
	}
}

// tokenBinding checks a token request's proof and the binding of a
// presented refresh token, and returns the key thumbprint to bind the new
// tokens to ("" for bearer tokens).
func (s *Server) tokenBinding(r *http.Request, c *Client, form map[string][]string) (string, *oauthError) {
	jkt, e := s.dpopProof(r, "")
	if e != nil {
		return "", e
	}
	if jkt == "" && (s.RequireDPoP || c.DPoPBoundAccessTokens) {
		return "", dpopError(errInvalidDPoPProof, "DPoP proof required")
	}
	if code := form["code"]; len(code) == 1 && s.codeJKT(code[0]) != "" && s.codeJKT(code[0]) != jkt {
		// RFC 9449 §10: the code is for the key the request named.
		return "", dpopError(errInvalidDPoPProof, "proof key is not the dpop_jkt of the authorization request")
	}
	if rt := form["refresh_token"]; len(rt) == 1 {
		// RFC 9449 §5: a bound refresh token is used with its key only.
		if t, ok := s.lookup(rt[0]); ok && t.refresh && t.jkt != "" && t.jkt != jkt {
			return "", dpopError(errInvalidDPoPProof, "refresh token is bound to another key")
		}
	}
	return jkt, nil
}

// codeJKT returns the dpop_jkt an authorization code is bound to, or "".
func (s *Server) codeJKT(code string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ac, ok := s.codes[code]; ok {
		return ac.dpopJKT
	}
	return ""
}

// pushedBinding binds a pushed authorization request to the key of its
// DPoP proof, if it has one, as dpop_jkt does (RFC 9449 §10.1); when both
// are given they must agree.
func (s *Server) pushedBinding(r *http.Request, params url.Values) *oauthError {
	jkt, e := s.dpopProof(r, "")
	switch {
	case e != nil:
		return e
	case jkt == "":
		return nil
	case params.Has("dpop_jkt") && params.Get("dpop_jkt") != jkt:
		return dpopError(errInvalidDPoPProof, "dpop_jkt is not the proof's key")
	}
	params.Set("dpop_jkt", jkt)
	return nil
}
