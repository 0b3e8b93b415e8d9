package oauthkit

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Token is an OAuth 2.0 token as the token endpoint issued it (RFC 6749
// section 5.1), with the time it expires.
//
// Token encodes to and decodes from JSON in the token endpoint's own shape,
// plus "expires_at" (Unix seconds), so it can be saved to a database and
// restored: every field the server sent survives the round trip, in Extra
// when it has no field of its own. The JSON form is not redacted; String,
// GoString and LogValue are.
type Token struct {
	// AccessToken is the token that authorizes requests.
	AccessToken string
	// TokenType is the type of the token, usually "Bearer" (RFC 6750).
	TokenType string
	// RefreshToken renews the access token; it may be empty.
	RefreshToken string
	// ExpiresIn is the lifetime in seconds the server gave, or zero.
	ExpiresIn int64
	// ExpiresAt is when the access token expires. The zero time means the
	// token has no known expiry and is used until the server rejects it.
	ExpiresAt time.Time
	// Scope is the space-separated scope granted, if the server said.
	Scope string
	// IDToken is the OpenID Connect ID token (a JWT), if any.
	IDToken string
	// IDTokenClaims are the claims of IDToken as the session's
	// [IDTokenValidator] verified them when the token was received, or
	// nil: no validator, no ID token, or a token built or decoded here
	// (they are not part of the JSON form, and a token restored from
	// storage is not verified again). A refresh that returns a new ID
	// token replaces them; one that does not keeps them with the old ID
	// token.
	IDTokenClaims IDTokenClaims
	// Extra holds every other member of the token response.
	Extra map[string]any
}

// Wire names of RFC 6749 section 5.1.
const (
	fieldAccessToken  = "access_token"
	fieldTokenType    = "token_type"
	fieldRefreshToken = "refresh_token"
	fieldExpiresIn    = "expires_in"
	fieldExpiresAt    = "expires_at"
	fieldScope        = "scope"
	fieldIDToken      = "id_token"
)

// Expired reports whether the token expires within leeway of now. A token
// without an expiry never expires. A nil token is expired.
func (t *Token) Expired(now time.Time, leeway time.Duration) bool {
	if t == nil {
		return true
	}
	if t.ExpiresAt.IsZero() {
		return false
	}
	return !now.Add(leeway).Before(t.ExpiresAt)
}

// Valid reports whether the token has an access token and has not expired
// at now.
func (t *Token) Valid(now time.Time) bool {
	return t != nil && t.AccessToken != "" && !t.Expired(now, 0)
}

// Clone returns a deep copy of t.
func (t *Token) Clone() *Token {
	if t == nil {
		return nil
	}
	c := *t
	c.Extra = maps.Clone(t.Extra)
	return &c
}

// Get returns a member of the token response by its wire name, whether it
// has a field of its own or sits in Extra.
func (t *Token) Get(name string) any {
	switch name {
	case fieldAccessToken:
		return t.AccessToken
	case fieldTokenType:
		return t.TokenType
	case fieldRefreshToken:
		return t.RefreshToken
	case fieldScope:
		return t.Scope
	case fieldIDToken:
		return t.IDToken
	case fieldExpiresIn:
		return t.ExpiresIn
	case fieldExpiresAt:
		return t.ExpiresAt
	}
	return t.Extra[name]
}

// MarshalJSON encodes the token as the token endpoint's JSON object plus
// expires_at in Unix seconds.
func (t Token) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(t.Extra)+7)
	maps.Copy(m, t.Extra)
	m[fieldAccessToken] = t.AccessToken
	setIf(m, fieldTokenType, t.TokenType)
	setIf(m, fieldRefreshToken, t.RefreshToken)
	setIf(m, fieldScope, t.Scope)
	setIf(m, fieldIDToken, t.IDToken)
	if t.ExpiresIn != 0 {
		m[fieldExpiresIn] = t.ExpiresIn
	}
	if !t.ExpiresAt.IsZero() {
		m[fieldExpiresAt] = t.ExpiresAt.Unix()
	}
	return json.Marshal(m)
}

func setIf(m map[string]any, k, v string) {
	if v != "" {
		m[k] = v
	}
}

// UnmarshalJSON decodes a token saved with MarshalJSON, a raw token
// endpoint response, or a token another library saved, as [TokenFromMap]
// does: expiry members that are not numbers are never an error.
func (t *Token) UnmarshalJSON(data []byte) error {
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return fmt.Errorf("oauthkit: decoding token: %w", err)
	}
	tok, err := loadToken(m, time.Now())
	if err != nil {
		return err
	}
	*t = *tok
	return nil
}

// TokenFromMap builds a token from its dict form, as Authlib and
// requests-oauthlib store it (OAuth2Token(dict)), or from a decoded JSON
// object: the members of RFC 6749 section 5.1, "expires_at" in Unix
// seconds, and any other member, kept in Extra. Numbers may be Go numbers,
// [json.Number] or numeric strings.
//
// Expiry follows Authlib: without expires_at, a token with expires_in
// expires that many seconds after loading; an expires_at that is not a
// number falls back to expires_in, and without it the expiry is unknown
// (the token is used until the server rejects it). An expires_at of zero
// or less means expired. An expiry member that is not a number is kept in
// Extra as given, so it survives a save. Only a member of RFC 6749 that
// is not a string where one is required is an error.
func TokenFromMap(m map[string]any) (*Token, error) {
	return loadToken(m, time.Now())
}

// loadToken builds a stored token loaded at now.
func loadToken(m map[string]any, now time.Time) (*Token, error) {
	t, err := tokenStrings(m)
	if err != nil {
		return nil, err
	}
	var raw []string // expiry members kept in Extra as given
	in, inOK, inSet := expiryMember(m, fieldExpiresIn)
	if inOK {
		t.ExpiresIn = clampExpiresIn(in)
	} else if inSet {
		raw = append(raw, fieldExpiresIn)
	}
	at, atOK, atSet := expiryMember(m, fieldExpiresAt)
	switch {
	case atOK && at <= 0:
		t.ExpiresAt = time.Unix(0, 0)
	case atOK:
		t.ExpiresAt = time.Unix(at, 0)
	case t.ExpiresIn != 0:
		t.ExpiresAt = now.Add(expiresInDuration(t.ExpiresIn))
	case atSet:
		raw = append(raw, fieldExpiresAt)
	}
	addExtra(t, m, raw)
	return t, nil
}

// expiryMember reads a numeric member: its value, whether it is a
// number, and whether it is present at all (null is absent).
func expiryMember(m map[string]any, k string) (n int64, ok, set bool) {
	v, set := m[k]
	if !set || v == nil {
		return 0, false, false
	}
	n, err := number(v)
	return n, err == nil, true
}

// tokenFromMap builds a token from the decoded JSON or form members of a
// token response. It checks types but not presence: see checkToken.
func tokenFromMap(m map[string]any) (*Token, error) {
	t, err := tokenStrings(m)
	if err != nil {
		return nil, err
	}
	if v, ok := m[fieldExpiresIn]; ok && v != nil {
		n, perr := number(v)
		if perr != nil {
			return nil, fmt.Errorf("oauthkit: token member %q: %w", fieldExpiresIn, perr)
		}
		t.ExpiresIn = clampExpiresIn(n)
	}
	if v, ok := m[fieldExpiresAt]; ok && v != nil {
		n, perr := number(v)
		if perr != nil {
			return nil, fmt.Errorf("oauthkit: token member %q: %w", fieldExpiresAt, perr)
		}
		if n > 0 {
			t.ExpiresAt = time.Unix(n, 0)
		}
	}
	addExtra(t, m, nil)
	return t, nil
}

// tokenStrings reads the string members of RFC 6749 section 5.1 and
// OpenID Connect.
func tokenStrings(m map[string]any) (*Token, error) {
	t := &Token{}
	var err error
	str := func(k string, dst *string) {
		v, ok := m[k]
		if !ok || v == nil {
			return
		}
		s, ok := v.(string)
		if !ok && err == nil {
			err = fmt.Errorf("oauthkit: token member %q is a %s, want a string", k, jsonKind(v))
		}
		*dst = s
	}
	str(fieldAccessToken, &t.AccessToken)
	str(fieldTokenType, &t.TokenType)
	str(fieldRefreshToken, &t.RefreshToken)
	str(fieldScope, &t.Scope)
	str(fieldIDToken, &t.IDToken)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// addExtra keeps every member without a field of its own in t.Extra, and
// the members named in raw too.
func addExtra(t *Token, m map[string]any, raw []string) {
	for k, v := range m {
		switch k {
		case fieldAccessToken, fieldTokenType, fieldRefreshToken, fieldScope, fieldIDToken, fieldExpiresIn, fieldExpiresAt:
			if !slices.Contains(raw, k) {
				continue
			}
		}
		if t.Extra == nil {
			t.Extra = make(map[string]any)
		}
		if n, ok := v.(json.Number); ok {
			v = numberValue(n)
		}
		t.Extra[k] = v
	}
}

// maxExpiresIn caps expires_in, as x/oauth2 does: larger values (68 years
// and more) would overflow a time.Duration into the past.
const maxExpiresIn = math.MaxInt32

// clampExpiresIn keeps n within ±maxExpiresIn seconds.
func clampExpiresIn(n int64) int64 {
	return max(-maxExpiresIn, min(n, maxExpiresIn))
}

// expiresInDuration is n seconds, clamped.
func expiresInDuration(n int64) time.Duration {
	return time.Duration(clampExpiresIn(n)) * time.Second
}

// number accepts a JSON number, a float64, or a numeric string (some
// providers send "3600"). Fractions are truncated; absurd values are errors.
func number(v any) (int64, error) {
	var f float64
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n, nil
		}
		g, err := x.Float64()
		if err != nil {
			return 0, fmt.Errorf("not a number: %q", x.String())
		}
		f = g
	case float64:
		f = x
	case int64:
		return x, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case uint32:
		return int64(x), nil
	case float32:
		f = float64(x)
	case string:
		s := strings.TrimSpace(x)
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n, nil
		}
		g, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, fmt.Errorf("not a number: %q", x)
		}
		f = g
	default:
		return 0, fmt.Errorf("a %s, want a number", jsonKind(v))
	}
	// The integer path takes every int64, so the float path does too: a
	// value kept as a float in Extra and saved as an integer must load the
	// same way again.
	if math.IsNaN(f) || f >= math.MaxInt64 || f < math.MinInt64 {
		return 0, fmt.Errorf("number out of range: %v", f)
	}
	return int64(f), nil
}

// numberValue turns a json.Number into an int64 when it is integral, else a
// float64, so Extra holds plain Go values. An integral value written as a
// float (1.0, 0e0) is an int64 too: saved, it is written as an integer, and
// must load as the same value again.
func numberValue(n json.Number) any {
	if i, err := n.Int64(); err == nil {
		return i
	}
	f, err := n.Float64()
	if err != nil {
		return n.String()
	}
	if f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64 {
		return int64(f)
	}
	return f
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case json.Number, float64, int64, int:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// String describes the token without its secrets.
func (t *Token) String() string {
	if t == nil {
		return "<nil token>"
	}
	var b strings.Builder
	b.WriteString("oauthkit.Token{")
	fmt.Fprintf(&b, "AccessToken:%s TokenType:%q", redact(t.AccessToken), t.TokenType)
	if t.RefreshToken != "" {
		fmt.Fprintf(&b, " RefreshToken:%s", redact(t.RefreshToken))
	}
	if !t.ExpiresAt.IsZero() {
		fmt.Fprintf(&b, " ExpiresAt:%s", t.ExpiresAt.UTC().Format(time.RFC3339))
	}
	if t.Scope != "" {
		fmt.Fprintf(&b, " Scope:%q", t.Scope)
	}
	if t.IDToken != "" {
		fmt.Fprintf(&b, " IDToken:%s", redact(t.IDToken))
	}
	if len(t.Extra) > 0 {
		fmt.Fprintf(&b, " Extra:%d members", len(t.Extra))
	}
	b.WriteString("}")
	return b.String()
}

// GoString is String, so %#v redacts too.
func (t *Token) GoString() string { return t.String() }

// Format makes every fmt verb (%v, %+v, %#v, %s) print the redacted form,
// also for a Token value that is not a pointer.
func (t Token) Format(f fmt.State, verb rune) { fmt.Fprint(f, (&t).String()) }

// LogValue implements [slog.LogValuer] with the secrets redacted. It has a
// value receiver so that a Token value, not only a pointer, is redacted by
// slog's JSON handler.
func (t Token) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("access_token", redact(t.AccessToken)),
		slog.String("token_type", t.TokenType),
	}
	if t.RefreshToken != "" {
		attrs = append(attrs, slog.String("refresh_token", redact(t.RefreshToken)))
	}
	if !t.ExpiresAt.IsZero() {
		attrs = append(attrs, slog.Time("expires_at", t.ExpiresAt))
	}
	if t.Scope != "" {
		attrs = append(attrs, slog.String("scope", t.Scope))
	}
	return slog.GroupValue(attrs...)
}
