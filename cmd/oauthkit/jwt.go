package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/oauthkit/oauthkit/jose"
	"github.com/spf13/cobra"
)

// asymmetricAlgs is the default allow-list of jwt decode --verify.
var asymmetricAlgs = []string{jose.RS256, jose.RS384, jose.RS512, jose.PS256, jose.PS384, jose.PS512,
	jose.ES256, jose.ES384, jose.ES512, jose.EdDSA}

const jwtExample = `  oauthkit jwt decode "$ID_TOKEN"
  oauthkit token -p kc | oauthkit jwt decode -`

func (a *app) newJWTCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "jwt",
		Short:   "Work with JSON Web Tokens",
		Example: jwtExample,
		Args:    exactArgs(0),
	}
	cmd.AddCommand(a.newJWTDecodeCmd())
	return cmd
}

type jwtFlags struct {
	verify string
	algs   []string
}

const jwtDecodeLong = `decode prints the header and claims of a JWT (TOKEN, or - for stdin) and
the times it carries (exp, iat, nbf, auth_time) in local time and relative
to now. Without --verify nothing is checked: do not trust the claims.

--verify checks the signature with the keys of a JWKS URL, or of a file
holding a JWK, a JWK Set or a PEM public key, under an algorithm
allow-list (--alg, default every asymmetric algorithm; never "none").
Claims such as exp, iss and aud are shown, not validated.

ID tokens are JWTs everywhere; access tokens are JWTs at Okta, Keycloak and
many service token endpoints, and opaque at GitHub and Google.`

const jwtDecodeExample = `  # GitHub Actions: the job's OpenID Connect token, verified
  oauthkit jwt decode \
    --verify https://token.actions.githubusercontent.com/.well-known/jwks "$GH_OIDC_TOKEN"

  # Google: the ID token of a login, verified with Google's keys
  oauthkit token -p google -o json --show-secrets | jq -r .id_token |
    oauthkit jwt decode --verify https://www.googleapis.com/oauth2/v3/certs -

  # Okta or Keycloak: their access tokens are JWTs
  oauthkit token -p okta |
    oauthkit jwt decode --verify https://dev-123.okta.com/oauth2/default/v1/keys -
  oauthkit token -p kc | oauthkit jwt decode -o text -

  # A client-credentials service, against a key file and one algorithm
  oauthkit token -p svc | oauthkit jwt decode --verify ./public.pem --alg ES256 -`

func (a *app) newJWTDecodeCmd() *cobra.Command {
	jf := &jwtFlags{}
	cmd := &cobra.Command{
		Use:     "decode TOKEN",
		Short:   "Show a JWT's header and claims; --verify checks its signature",
		Long:    jwtDecodeLong,
		Example: jwtDecodeExample,
		Args:    exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			token, err := a.tokenArg(args)
			if err != nil {
				return err
			}
			return a.decodeJWT(cmd.Context(), token, jf)
		},
	}
	cmd.Flags().StringVar(&jf.verify, "verify", "", "JWKS URL or key file to verify the signature with")
	cmd.Flags().StringArrayVar(&jf.algs, "alg", nil, "allowed signature algorithm (repeatable)")
	return cmd
}

func (a *app) decodeJWT(ctx context.Context, token string, jf *jwtFlags) error {
	h, payload, err := jose.UnsafeDecode(token)
	if err != nil {
		return usageError{fmt.Errorf("decoding the JWT: %w", err)}
	}
	verified := jf.verify != ""
	if verified {
		if err := a.verifyJWT(ctx, token, jf); err != nil {
			return err
		}
	}
	var claims map[string]any
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(&claims); err != nil {
		return usageError{fmt.Errorf("the JWT payload is not a JSON object: %w", err)}
	}
	header := map[string]any{"alg": h.Algorithm}
	for k, v := range h.Extra {
		header[k] = v
	}
	if h.KeyID != "" {
		header["kid"] = h.KeyID
	}
	if h.Type != "" {
		header["typ"] = h.Type
	}
	return a.printJWT(header, claims, verified)
}

// verifyJWT checks token's signature with the keys of --verify under the
// --alg allow-list.
func (a *app) verifyJWT(ctx context.Context, token string, jf *jwtFlags) error {
	keys, err := a.keySource(jf.verify)
	if err != nil {
		return err
	}
	algs := jf.algs
	if len(algs) == 0 {
		algs = asymmetricAlgs
	}
	_, err = jose.Verify(ctx, token, keys, jose.VerifyOptions{Algorithms: algs})
	return tried(err, "verifying the signature with %s", jf.verify)
}

func (a *app) printJWT(header, claims map[string]any, verified bool) error {
	times := claimTimes(claims, time.Now())
	if a.output == outputText {
		h, _ := json.MarshalIndent(header, "", "  ")
		c, _ := json.MarshalIndent(claims, "", "  ")
		fmt.Fprintf(a.stdout, "header: %s\nclaims: %s\n", h, c)
		for k, v := range times {
			fmt.Fprintf(a.stdout, "%-9s %s\n", k+":", v)
		}
		fmt.Fprintf(a.stdout, "signature verified: %v\n", verified)
		return nil
	}
	return writeJSON(a.stdout, map[string]any{"header": header, "claims": claims, "times": times, "verified": verified})
}

// claimTimes renders the NumericDate claims in local time, relative to
// now.
func claimTimes(claims map[string]any, now time.Time) map[string]string {
	out := map[string]string{}
	for _, k := range []string{"exp", "iat", "nbf", "auth_time"} {
		n, ok := claims[k].(json.Number)
		if !ok {
			continue
		}
		secs, err := n.Float64()
		if err != nil {
			continue
		}
		t := time.Unix(clampSeconds(secs), 0)
		out[k] = t.Local().Format(time.RFC3339) + " (" + relative(t, now) + ")"
	}
	return out
}

// maxClaimSeconds bounds the NumericDates shown: ±2^62 s (some 146
// billion years) is a time the time package still adds and subtracts
// without overflow.
const maxClaimSeconds = 1 << 62

// clampSeconds converts secs to int64 seconds, saturating: a conversion
// out of range would turn a date far in the future into one in the past.
func clampSeconds(secs float64) int64 {
	return int64(max(-maxClaimSeconds, min(secs, maxClaimSeconds)))
}

// keySource reads keys from a JWKS URL, or a JWK, JWK Set or PEM file.
func (a *app) keySource(src string) (jose.KeySource, error) {
	if strings.HasPrefix(src, "https://") || strings.HasPrefix(src, "http://") {
		ks, err := jose.NewRemoteKeySet(jose.RemoteKeySetConfig{URL: src, HTTPClient: a.httpClient(), InsecureAllowHTTP: a.insecureTransport()})
		return ks, tried(err, "--verify %s", src)
	}
	b, err := readFlagFile("--verify", src)
	if err != nil {
		return nil, err
	}
	trimmed := bytes.TrimSpace(b)
	if !bytes.HasPrefix(trimmed, []byte("{")) {
		k, err := jose.ParsePublicKeyPEM(b)
		if err != nil {
			return nil, usageError{fmt.Errorf("--verify %s: %w", src, err)}
		}
		return &jose.KeySet{Keys: []*jose.Key{k}}, nil
	}
	if bytes.Contains(trimmed, []byte(`"keys"`)) {
		ks, err := jose.ParseJWKS(b)
		if err != nil {
			return nil, usageError{fmt.Errorf("--verify %s: %w", src, err)}
		}
		return ks.Public(), nil
	}
	k, err := jose.ParseJWK(b)
	if err != nil {
		return nil, usageError{fmt.Errorf("--verify %s: %w", src, err)}
	}
	return &jose.KeySet{Keys: []*jose.Key{k.Public()}}, nil
}
