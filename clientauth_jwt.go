package oauthkit

import "fmt"

// jwtAuth builds client_secret_jwt and private_key_jwt.
func (c *Config) jwtAuth(name string) (ClientAuth, error) {
	return nil, fmt.Errorf("%w: auth method %q is not available yet", ErrInvalidConfig, name)
}
