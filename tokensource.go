package oauthkit

import "context"

// ValidToken returns the session's current token, renewed first when it
// is due (the same single-flight renewal as protected requests). Without
// a token and without [Config.Grant] it returns [ErrNoToken].
func (s *Session) ValidToken(ctx context.Context) (*Token, error) {
	st, err := s.tokenFor(ctx)
	if err != nil {
		return nil, err
	}
	return st.tok.Clone(), nil
}
