package oauthkit

// redact describes a secret without revealing it: its length only.
func redact(s string) string {
	if s == "" {
		return `""`
	}
	return "[redacted]"
}
