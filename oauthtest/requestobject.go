package oauthtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"

	"github.com/oauthkit/oauthkit/jose"
)

// Error codes of RFC 9101 §7 and RFC 9126 §2.3.
const (
	errInvalidRequestObject = "invalid_request_object"
	errInvalidRequestURI    = "invalid_request_uri"
)

// requestObjectClaimNames are the JWT claims of a request object that are
// not authorization request parameters (RFC 9101 §4).
var requestObjectClaimNames = []string{"iss", "aud", "exp", "nbf", "iat", "jti", "sub"}

// requestObjectParams verifies a request object (RFC 9101 §6) sent by c,
// decrypting it first when it is a JWE for [Server.EncryptionKey], and
// returns the authorization request parameters it holds. It checks the
// signature with the client's secret (HMAC) or registered public keys,
// iss and client_id (the client), aud (the issuer), exp (present, at most
// an hour ahead), nbf and iat, and that its jti was not used before.
func (s *Server) requestObjectParams(ctx context.Context, c *Client, raw string) (url.Values, *oauthError) {
	if jose.IsEncrypted(raw) {
		if s.EncryptionKey == nil {
			return nil, errorf(errInvalidRequestObject, "encrypted request object, and the server has no encryption key")
		}
		b, err := jose.Decrypt(raw, []*jose.Key{s.EncryptionKey}, jose.DecryptOptions{})
		if err != nil {
			return nil, errorf(errInvalidRequestObject, "request object: %s", joseDetail(err))
		}
		raw = string(b)
	}
	keys, algs := requestObjectKeys(c)
	v, err := jose.Verify(ctx, raw, keys, jose.VerifyOptions{Algorithms: algs})
	if err != nil {
		return nil, errorf(errInvalidRequestObject, "request object: %s", joseDetail(err))
	}
	if typ := v.Header.Type; typ != "" && typ != "oauth-authz-req+jwt" && typ != "JWT" {
		return nil, errorf(errInvalidRequestObject, "request object typ %q", typ)
	}
	cl, err := parseAssertionClaims(v.Payload)
	if err != nil {
		return nil, errorf(errInvalidRequestObject, "request object claims malformed: %v", err)
	}
	if msg := cl.check(s.now(), []string{s.issuer()}); msg != "" {
		return nil, errorf(errInvalidRequestObject, "request object %s", msg)
	}
	params, err := claimsToParams(v.Payload)
	switch {
	case err != nil:
		return nil, errorf(errInvalidRequestObject, "request object claims malformed: %v", err)
	case cl.Issuer != c.ID:
		return nil, errorf(errInvalidRequestObject, "request object iss %q is not the client ID", cl.Issuer)
	case params.Get("client_id") != c.ID:
		return nil, errorf(errInvalidRequestObject, "request object client_id %q is not the client ID", params.Get("client_id"))
	case cl.ID != "" && !s.useJTI("request object "+c.ID, cl.ID, cl.expiry()):
		return nil, errorf(errInvalidRequestObject, "request object jti %q already used", cl.ID)
	}
	return params, nil
}

// requestObjectKeys returns what may verify a client's request objects:
// HMAC with its secret (OpenID Connect Core 1.0 §6.1, §10.1) and its
// registered public keys.
func requestObjectKeys(c *Client) (*jose.KeySet, []string) {
	ks := &jose.KeySet{}
	var algs []string
	if c.Secret != "" {
		ks.Keys = append(ks.Keys, &jose.Key{Key: []byte(c.Secret)})
		algs = append(algs, hmacAlgorithms...)
	}
	if c.JWKS != nil {
		ks.Keys = append(ks.Keys, c.JWKS.Keys...)
	}
	if c.PublicKey != nil {
		ks.Keys = append(ks.Keys, c.PublicKey)
	}
	if len(ks.Keys) > 0 && (c.JWKS != nil || c.PublicKey != nil) {
		algs = append(algs, asymmetricAlgorithms...)
	}
	return ks, algs
}

// claimsToParams turns the claims of a request object into request
// parameters: strings as they are, numbers and booleans in decimal and
// textual form, arrays of strings as repeated parameters, objects (such as
// "claims") as JSON.
func claimsToParams(payload []byte) (url.Values, error) {
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	params := url.Values{}
	for k, v := range m {
		if slices.Contains(requestObjectClaimNames, k) {
			continue
		}
		switch x := v.(type) {
		case string:
			params.Set(k, x)
		case json.Number:
			params.Set(k, x.String())
		case bool:
			params.Set(k, strconv.FormatBool(x))
		case []any:
			for _, e := range x {
				str, ok := e.(string)
				if !ok {
					return nil, fmt.Errorf("claim %q: array of non-strings", k)
				}
				params.Add(k, str)
			}
		case map[string]any:
			b, _ := json.Marshal(x) // decoded from JSON: encodes again
			params.Set(k, string(b))
		case nil:
		default:
			return nil, fmt.Errorf("claim %q: unsupported type", k)
		}
	}
	return params, nil
}
