package assertion

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/oauthkit/oauthkit/jose"
)

// googleTokenURL is the token endpoint used when a service-account file
// names none.
const googleTokenURL = "https://oauth2.googleapis.com/token"

// ServiceAccount is a Google-style service-account key file: a JSON
// object with type "service_account", client_email, private_key (PEM),
// private_key_id, token_uri, project_id and client_id. Its private key is
// redacted wherever it is printed or logged.
type ServiceAccount struct {
	// ProjectID is "project_id".
	ProjectID string
	// ClientEmail is "client_email", the issuer of the assertions.
	ClientEmail string
	// ClientID is "client_id", the account's numeric id. It is not used
	// for client authentication.
	ClientID string
	// PrivateKeyID is "private_key_id", sent as the assertion's kid.
	PrivateKeyID string
	// TokenURL is "token_uri". Zero in the file:
	// https://oauth2.googleapis.com/token.
	TokenURL string
	// Key is the parsed "private_key".
	Key *jose.Key
}

// serviceAccountFile is the wire form of a service-account file.
type serviceAccountFile struct {
	Type         string `json:"type"`
	ProjectID    string `json:"project_id"`
	PrivateKeyID string `json:"private_key_id"`
	PrivateKey   string `json:"private_key"`
	ClientEmail  string `json:"client_email"`
	ClientID     string `json:"client_id"`
	TokenURI     string `json:"token_uri"`
}

// ParseServiceAccount parses a service-account JSON file. The type must
// be "service_account"; client_email and a PEM private_key are required.
// Error messages never contain the key.
func ParseServiceAccount(data []byte) (*ServiceAccount, error) {
	var f serviceAccountFile
	if err := json.Unmarshal(data, &f); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("assertion: service account: member %q has the wrong type", te.Field)
		}
		return nil, errors.New("assertion: service account: not a JSON object")
	}
	if f.Type != "service_account" {
		return nil, fmt.Errorf("assertion: service account: type is %q, want \"service_account\"", f.Type)
	}
	if f.ClientEmail == "" {
		return nil, errors.New("assertion: service account: no client_email")
	}
	key, err := jose.ParsePrivateKeyPEM([]byte(f.PrivateKey))
	if err != nil {
		return nil, fmt.Errorf("assertion: service account: private_key: %s", strings.TrimPrefix(err.Error(), "jose: "))
	}
	return &ServiceAccount{
		ProjectID:    f.ProjectID,
		ClientEmail:  f.ClientEmail,
		ClientID:     f.ClientID,
		PrivateKeyID: f.PrivateKeyID,
		TokenURL:     cmpOr(f.TokenURI, googleTokenURL),
		Key:          key,
	}, nil
}

// Config returns the JWT-bearer configuration of the account, as Google
// expects it: iss is the client email, aud and the token endpoint are
// token_uri, the scopes are the assertion's "scope" claim
// (space-separated), and the header carries alg RS256 (the key's
// algorithm) and the private key id as kid. For domain-wide delegation,
// set Subject on the result to the user to act for.
func (sa *ServiceAccount) Config(scopes ...string) (Config, error) {
	if sa == nil || sa.Key == nil || sa.ClientEmail == "" {
		return Config{}, fmt.Errorf("%w: incomplete service account", ErrInvalidConfig)
	}
	alg := sa.Key.Algorithm
	if alg == "" {
		alg = jose.DefaultAlgorithm(sa.Key.Key)
	}
	header := map[string]any{"alg": alg}
	if sa.PrivateKeyID != "" {
		header["kid"] = sa.PrivateKeyID
	}
	cfg := Config{
		TokenURL: sa.TokenURL,
		Issuer:   sa.ClientEmail,
		Audience: sa.TokenURL,
		Key:      sa.Key,
		Header:   header,
	}
	if len(scopes) > 0 {
		cfg.Claims = map[string]any{"scope": strings.Join(scopes, " ")}
	}
	return cfg, nil
}

// String describes the account without its private key.
func (sa ServiceAccount) String() string {
	return fmt.Sprintf("assertion.ServiceAccount{ClientEmail:%q ProjectID:%q PrivateKeyID:%q TokenURL:%q Key:%v}",
		sa.ClientEmail, sa.ProjectID, sa.PrivateKeyID, sa.TokenURL, sa.Key)
}

// GoString is String, so that %#v redacts too.
func (sa ServiceAccount) GoString() string { return sa.String() }

// Format prints String for every verb, so that no verb shows the key.
func (sa ServiceAccount) Format(f fmt.State, _ rune) { fmt.Fprint(f, sa.String()) }

// LogValue logs the account without its private key.
func (sa ServiceAccount) LogValue() slog.Value { return slog.StringValue(sa.String()) }
