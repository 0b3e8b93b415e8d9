package oauthtest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/oauthkit/oauthkit/jose"
)

// Error codes of RFC 7591 §3.2.2.
const (
	errInvalidRedirectURI    = "invalid_redirect_uri"
	errInvalidClientMetadata = "invalid_client_metadata"
)

// registration is a dynamically registered client's management state.
type registration struct {
	accessToken string         // the registration access token (RFC 7592 §1)
	metadata    map[string]any // the metadata, as sent and completed
}

// RegistrationURL returns the URL of the dynamic client registration
// endpoint (RFC 7591 §3).
func (s *Server) RegistrationURL() string { return s.URL + pathRegister }

// handleRegister serves the client registration endpoint (RFC 7591 §3):
// with [Server.InitialAccessToken] set, a request must carry it as a
// bearer token. The client is created from the metadata (redirect_uris,
// token_endpoint_auth_method, grant_types, scope, jwks,
// post_logout_redirect_uris, backchannel_logout_uri,
// frontchannel_logout_uri, require_pushed_authorization_requests) and
// the answer, 201, holds its credentials, a registration access token and
// its client configuration URI (RFC 7592 §3).
func (s *Server) handleRegister(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, &oauthError{status: http.StatusMethodNotAllowed, code: errInvalidRequest, description: "method must be POST"})
		return
	}
	if want := s.InitialAccessToken; want != "" {
		if got, _ := bearerValue(r); subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
			writeError(w, &oauthError{status: http.StatusUnauthorized, code: errInvalidToken, description: "initial access token required"})
			return
		}
	}
	m, e := readMetadata(r)
	if e != nil {
		writeError(w, e)
		return
	}
	c, e := clientFromMetadata(m)
	if e != nil {
		writeError(w, e)
		return
	}
	c.ID = "dyn-" + rand.Text()
	if c.AuthMethod != AuthNone && c.AuthMethod != PrivateKeyJWT {
		c.Secret = rand.Text() + rand.Text() + rand.Text()
	}
	reg := &registration{accessToken: rand.Text(), metadata: m}
	s.storeRegistered(c, reg)
	writeJSON(w, http.StatusCreated, s.registrationResponse(c, reg, true))
}

// handleClientConfiguration serves the client configuration endpoint of
// RFC 7592 §2: GET reads, PUT replaces the metadata (client_id must be
// the client's, and client_secret, when sent, its secret), DELETE
// deregisters. Each needs the client's registration access token; an
// unknown client or a wrong token is 401 invalid_token.
func (s *Server) handleClientConfiguration(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, pathRegister+"/")
	c, reg, ok := s.registered(id)
	got, _ := bearerValue(r)
	if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(reg.accessToken)) != 1 {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeError(w, &oauthError{status: http.StatusUnauthorized, code: errInvalidToken, description: "unknown client or wrong registration access token"})
		return
	}
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, http.StatusOK, s.registrationResponse(c, reg, false))
	case http.MethodPut:
		s.updateRegistered(w, r, c, reg)
	case http.MethodDelete:
		s.mu.Lock()
		delete(s.clients, c.ID)
		delete(s.registrations, c.ID)
		s.mu.Unlock()
		noStore(w)
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, PUT, DELETE")
		writeError(w, &oauthError{status: http.StatusMethodNotAllowed, code: errInvalidRequest, description: "method must be GET, PUT or DELETE"})
	}
}

// updateRegistered replaces a client's metadata (RFC 7592 §2.2).
func (s *Server) updateRegistered(w http.ResponseWriter, r *http.Request, old Client, reg *registration) {
	m, e := readMetadata(r)
	if e != nil {
		writeError(w, e)
		return
	}
	if id, _ := m["client_id"].(string); id != old.ID {
		writeError(w, errorf(errInvalidRequest, "client_id %q is not the client's", id))
		return
	}
	if sec, ok := m["client_secret"].(string); ok && subtle.ConstantTimeCompare([]byte(sec), []byte(old.Secret)) != 1 {
		writeError(w, errorf(errInvalidRequest, "client_secret is not the client's"))
		return
	}
	for _, k := range []string{"client_id", "client_secret", "registration_access_token", "registration_client_uri", "client_id_issued_at", "client_secret_expires_at"} {
		delete(m, k)
	}
	c, e := clientFromMetadata(m)
	if e != nil {
		writeError(w, e)
		return
	}
	c.ID = old.ID
	if c.AuthMethod != AuthNone && c.AuthMethod != PrivateKeyJWT {
		c.Secret = cmpOr(old.Secret, rand.Text()+rand.Text()+rand.Text())
	}
	next := &registration{accessToken: reg.accessToken, metadata: m}
	s.storeRegistered(c, next)
	writeJSON(w, http.StatusOK, s.registrationResponse(c, next, false))
}

// readMetadata decodes a JSON metadata body.
func readMetadata(r *http.Request) (map[string]any, *oauthError) {
	var m map[string]any
	if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, maxRequestBody)).Decode(&m); err != nil || m == nil {
		return nil, errorf(errInvalidClientMetadata, "body must be a JSON object of client metadata")
	}
	return m, nil
}

// clientFromMetadata builds a client from registration metadata, with the
// defaults of RFC 7591 §2: client_secret_basic, the authorization_code
// grant.
func clientFromMetadata(m map[string]any) (Client, *oauthError) {
	c := Client{AuthMethod: ClientSecretBasic, GrantTypes: []string{grantAuthorizationCode}}
	var e *oauthError
	str := func(k string) string {
		v, ok := m[k].(string)
		if !ok && m[k] != nil && e == nil {
			e = errorf(errInvalidClientMetadata, "%s must be a string", k)
		}
		return v
	}
	list := func(k string) []string {
		v, err := stringList(m[k])
		if err != nil && e == nil {
			e = errorf(errInvalidClientMetadata, "%s must be an array of strings", k)
		}
		return v
	}
	c.AuthMethod = cmpOr(str("token_endpoint_auth_method"), c.AuthMethod)
	c.RedirectURIs = list("redirect_uris")
	if g := list("grant_types"); g != nil {
		c.GrantTypes = g
	}
	if sc := str("scope"); sc != "" {
		c.Scopes = strings.Fields(sc)
	}
	c.PostLogoutRedirectURIs = list("post_logout_redirect_uris")
	c.BackChannelLogoutURI = str("backchannel_logout_uri")
	c.FrontChannelLogoutURI = str("frontchannel_logout_uri")
	c.RequirePushedAuthorizationRequests, _ = m["require_pushed_authorization_requests"].(bool)
	if e != nil {
		return Client{}, e
	}
	return c, checkRegisteredClient(&c, m)
}

// checkRegisteredClient applies what RegisterClient would panic about,
// as registration errors.
func checkRegisteredClient(c *Client, m map[string]any) *oauthError {
	switch c.AuthMethod {
	case ClientSecretBasic, ClientSecretPost, ClientSecretJWT, AuthNone:
	case PrivateKeyJWT:
		raw, _ := json.Marshal(m["jwks"])
		ks, err := jose.ParseJWKS(raw)
		if err != nil || len(ks.Keys) == 0 {
			return errorf(errInvalidClientMetadata, "private_key_jwt needs jwks with a usable key")
		}
		c.JWKS = ks.Public()
	default:
		return errorf(errInvalidClientMetadata, "unsupported token_endpoint_auth_method %q", c.AuthMethod)
	}
	if m["jwks_uri"] != nil {
		return errorf(errInvalidClientMetadata, "jwks_uri is not supported: send jwks")
	}
	for _, u := range c.RedirectURIs {
		p, err := url.Parse(u)
		if err != nil || !p.IsAbs() || p.Fragment != "" {
			return errorf(errInvalidRedirectURI, "redirect URI %q is not an absolute URI without a fragment", u)
		}
	}
	return nil
}

// stringList reads a JSON array of strings; nil stays nil.
func stringList(v any) ([]string, error) {
	if v == nil {
		return nil, nil
	}
	xs, ok := v.([]any)
	if !ok {
		return nil, errorf(errInvalidClientMetadata, "not an array")
	}
	out := make([]string, 0, len(xs))
	for _, x := range xs {
		str, ok := x.(string)
		if !ok {
			return nil, errorf(errInvalidClientMetadata, "not a string")
		}
		out = append(out, str)
	}
	return out, nil
}

// storeRegistered registers or replaces a dynamically registered client.
func (s *Server) storeRegistered(c Client, reg *registration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := c
	s.clients[c.ID] = &stored
	s.registrations[c.ID] = reg
}

// registered returns a copy of a dynamically registered client.
func (s *Server) registered(id string) (Client, *registration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	reg, ok := s.registrations[id]
	c, found := s.clients[id]
	if !ok || !found {
		return Client{}, nil, false
	}
	return *c, reg, true
}

// registrationResponse is the client information response of RFC 7591
// §3.2.1 and RFC 7592 §3: the metadata, completed with the defaults, and
// the credentials.
func (s *Server) registrationResponse(c Client, reg *registration, created bool) map[string]any {
	out := maps.Clone(reg.metadata)
	out["client_id"] = c.ID
	out["token_endpoint_auth_method"] = c.AuthMethod
	out["grant_types"] = slices.Clone(c.GrantTypes)
	if c.Secret != "" {
		out["client_secret"] = c.Secret
		out["client_secret_expires_at"] = 0
	}
	if created {
		out["client_id_issued_at"] = s.now().Unix()
	}
	out["registration_access_token"] = reg.accessToken
	out["registration_client_uri"] = s.URL + pathRegister + "/" + c.ID
	return out
}

// bearerValue returns the token of an "Authorization: Bearer" header.
func bearerValue(r *http.Request) (string, bool) {
	scheme, v, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || v == "" {
		return "", false
	}
	return v, true
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
