package oauthtest

// frontChannelMetadata adds the metadata of pushed authorization requests
// (RFC 9126 §5), request objects (RFC 9101 §10.5) and JWT-secured
// responses (JARM §3), and back- and front-channel logout, to m.
func (s *Server) frontChannelMetadata(m map[string]any, alg string) {
	m["pushed_authorization_request_endpoint"] = s.PushedAuthorizationURL()
	m["registration_endpoint"] = s.RegistrationURL()
	m["require_pushed_authorization_requests"] = s.RequirePushedAuthorizationRequests
	m["request_parameter_supported"] = true
	m["request_uri_parameter_supported"] = false
	m["request_object_signing_alg_values_supported"] = allAlgorithms
	if k := s.EncryptionKey; k != nil {
		m["request_object_encryption_alg_values_supported"] = []string{k.Algorithm}
		m["request_object_encryption_enc_values_supported"] = contentEncryptions
	}
	m["response_modes_supported"] = responseModes
	m["authorization_signing_alg_values_supported"] = []string{alg}
	m["authorization_encryption_alg_values_supported"] = keyManagementAlgorithms
	m["authorization_encryption_enc_values_supported"] = contentEncryptions
	for _, k := range []string{"backchannel_logout_supported", "backchannel_logout_session_supported",
		"frontchannel_logout_supported", "frontchannel_logout_session_supported"} {
		m[k] = true
	}
}
