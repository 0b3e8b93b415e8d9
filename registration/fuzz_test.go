package registration

import (
	"encoding/json"
	"testing"
)

// FuzzParseClient feeds the client information parser any bytes and
// checks that an accepted answer has a client id and survives a JSON
// round trip.
func FuzzParseClient(f *testing.F) {
	f.Add([]byte(`{"client_id":"c","client_secret":"s","client_id_issued_at":1700000000,"client_secret_expires_at":0,` +
		`"registration_access_token":"r","registration_client_uri":"https://as.example/register/c",` +
		`"redirect_uris":["https://app.example/cb"],"grant_types":["authorization_code"],"x":{"y":[1]}}`))
	f.Add([]byte(`{"client_id":"c","jwks":{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}]}}`))
	f.Add([]byte(`{"client_id":7}`))
	f.Add([]byte(`{"client_id":"c","client_id_issued_at":-1}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		c, err := parseClient(body)
		if err != nil {
			if c != nil {
				t.Fatal("client returned with an error")
			}
			return
		}
		if c.ClientID == "" {
			t.Fatalf("accepted %s without a client_id", body)
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("Marshal of a parsed client: %v", err)
		}
		back, err := parseClient(b)
		if err != nil {
			t.Fatalf("re-parsing %s: %v", b, err)
		}
		if back.ClientID != c.ClientID || back.ClientSecret != c.ClientSecret || !back.ClientIDIssuedAt.Equal(c.ClientIDIssuedAt) ||
			back.RegistrationAccessToken != c.RegistrationAccessToken || len(back.Extra) != len(c.Extra) {
			t.Fatalf("round trip changed the client: %+v != %+v", back, c)
		}
	})
}
