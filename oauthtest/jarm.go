package oauthtest

import (
	"net/url"
	"time"

	"github.com/oauthkit/oauthkit/jose"
)

// Response modes of JARM §2.3.
const (
	responseJWT         = "jwt"
	responseQueryJWT    = "query.jwt"
	responseFragmentJWT = "fragment.jwt"
	responseFormPostJWT = "form_post.jwt"
)

// responseJWTTTL is the lifetime of JARM response JWTs; JARM §2.1 wants
// it short.
const responseJWTTTL = 10 * time.Minute

// Every response mode the authorization endpoint supports.
var responseModes = []string{
	responseQuery, responseFragment, responseFormPost,
	responseJWT, responseQueryJWT, responseFragmentJWT, responseFormPostJWT,
}

// Algorithms of encrypted responses and request objects.
var (
	keyManagementAlgorithms = []string{jose.RSAOAEP, jose.RSAOAEP256, jose.ECDHES, jose.ECDHESA128KW, jose.ECDHESA256KW}
	contentEncryptions      = []string{jose.A128CBCHS256, jose.A256CBCHS512, jose.A128GCM, jose.A256GCM}
)

// jwtResponseMode applies a JWT response mode (JARM §2.3): "jwt" keeps
// the response type's default delivery, the others name it. query.jwt is
// refused for responses that carry a token (JARM §2.3.1).
func jwtResponseMode(rt responseType, mode string, reply *authorizeReply) *oauthError {
	reply.jwt = true
	switch mode {
	case responseQueryJWT:
		if rt.fragment() {
			return errorf(errInvalidRequest, "response_mode query.jwt not allowed with a token in the response")
		}
		reply.mode = responseQuery
	case responseFragmentJWT:
		reply.mode = responseFragment
	case responseFormPostJWT:
		reply.mode = responseFormPost
	}
	return nil
}

// responseJWT wraps the response parameters in a signed JWT (JARM §2.1)
// with iss, aud (the client), iat and exp, broken as a pending
// [JWTFault] says, and encrypted to the client's
// [Client.ResponseEncryptionKey] when it has one (JARM §2.2).
func (s *Server) responseJWT(reply authorizeReply, params url.Values) string {
	now := s.now()
	claims := make(map[string]any, len(params)+4)
	for k := range params {
		claims[k] = params.Get(k)
	}
	claims["iss"] = s.issuer()
	claims["aud"] = reply.clientID
	claims["iat"] = now.Unix()
	claims["exp"] = now.Add(responseJWTTTL).Unix()
	tok, _ := s.signJWT(JARMResponseJWT, map[string]any{"typ": "JWT"}, claims)
	c, ok := s.client(reply.clientID)
	if !ok || c.ResponseEncryptionKey == nil {
		return tok
	}
	jwe, err := jose.Encrypt(c.ResponseEncryptionKey, "", "", map[string]any{"cty": "JWT"}, []byte(tok))
	if err != nil {
		panic("oauthtest: encrypting a response: " + err.Error())
	}
	return jwe
}
