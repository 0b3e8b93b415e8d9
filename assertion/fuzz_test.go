package assertion

import "testing"

func FuzzParseServiceAccount(f *testing.F) {
	f.Add(serviceAccountJSON(f, nil))
	f.Add(serviceAccountJSON(f, map[string]any{"private_key": "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\n"}))
	f.Add([]byte(`{"type":"service_account","client_email":"a","private_key":""}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sa, err := ParseServiceAccount(data)
		if err != nil {
			return
		}
		if sa.Key == nil || !sa.Key.IsPrivate() || sa.ClientEmail == "" || sa.TokenURL == "" {
			t.Fatalf("accepted an incomplete account: %v", sa)
		}
		if _, err := sa.Config("s"); err != nil {
			t.Fatalf("Config() of a parsed account: %v", err)
		}
	})
}
