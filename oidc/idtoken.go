package oidc

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"time"

	"github.com/oauthkit/oauthkit/jose"
)

// IDToken is a verified OpenID Connect ID token (OpenID Connect Core
// section 2) with its standard claims decoded. Times are the zero
// [time.Time] when the claim is absent. Other claims are read with
// [IDToken.Claims].
type IDToken struct {
	// Issuer is "iss".
	Issuer string
	// Subject is "sub", the end user's identifier at the issuer.
	Subject string
	// Audience is "aud", a single string or an array on the wire.
	Audience []string
	// AuthorizedParty is "azp".
	AuthorizedParty string
	// Expiry is "exp".
	Expiry time.Time
	// IssuedAt is "iat".
	IssuedAt time.Time
	// NotBefore is "nbf".
	NotBefore time.Time
	// AuthTime is "auth_time", when the end user authenticated.
	AuthTime time.Time
	// Nonce is "nonce".
	Nonce string
	// AccessTokenHash is "at_hash".
	AccessTokenHash string
	// CodeHash is "c_hash".
	CodeHash string
	// ACR is "acr", the authentication context class reference.
	ACR string
	// AMR is "amr", the authentication methods references.
	AMR []string
	// Profile holds the standard claims about the end user.
	Profile
	// Raw is the compact JWS the token was decoded from.
	Raw string

	payload []byte
}

// Claims decodes the token's claims (the verified JWT payload) into v
// with [jose.DecodeClaims]: a pointer to the caller's struct for custom
// claims, or to a map[string]any for all of them. As with the standard
// claims, a struct field is filled only by the member of its exact name.
// It decodes on each call; nothing is decoded until it is asked for.
func (t *IDToken) Claims(v any) error {
	if t.payload == nil {
		return errors.New("oidc: id token has no claims")
	}
	return jose.DecodeClaims(t.payload, v)
}

// idClaims is the wire form of the claims, decoded with one
// json.Unmarshal. Field names match the JSON member names, so the
// decoder's case-insensitive fallback is rarely used.
type idClaims struct {
	Iss      string      `json:"iss"`
	Aud      audience    `json:"aud"`
	Azp      string      `json:"azp"`
	Exp      numericDate `json:"exp"`
	Iat      numericDate `json:"iat"`
	Nbf      numericDate `json:"nbf"`
	AuthTime numericDate `json:"auth_time"`
	Nonce    string      `json:"nonce"`
	AtHash   string      `json:"at_hash"`
	CHash    string      `json:"c_hash"`
	ACR      string      `json:"acr"`
	AMR      []string    `json:"amr"`
	profileClaims
}

// profileClaims are the standard claims of OpenID Connect Core section
// 5.1 shared by ID tokens and userinfo responses.
type profileClaims struct {
	Sub               string    `json:"sub"`
	Email             string    `json:"email"`
	EmailVerified     looseBool `json:"email_verified"`
	Name              string    `json:"name"`
	GivenName         string    `json:"given_name"`
	FamilyName        string    `json:"family_name"`
	PreferredUsername string    `json:"preferred_username"`
	Picture           string    `json:"picture"`
	Locale            string    `json:"locale"`
}

// Profile holds the standard claims about the end user (OpenID Connect
// Core section 5.1) that ID tokens and userinfo answers share. Only the
// claims the provider sent are set.
type Profile struct {
	// Email is "email".
	Email string
	// EmailVerified is "email_verified", a boolean or the string "true" on
	// the wire.
	EmailVerified bool
	// Name is "name".
	Name string
	// GivenName is "given_name".
	GivenName string
	// FamilyName is "family_name".
	FamilyName string
	// PreferredUsername is "preferred_username".
	PreferredUsername string
	// Picture is "picture".
	Picture string
	// Locale is "locale".
	Locale string
}

// profile copies the decoded standard claims.
func (c *profileClaims) profile() Profile {
	return Profile{
		Email: c.Email, EmailVerified: bool(c.EmailVerified), Name: c.Name,
		GivenName: c.GivenName, FamilyName: c.FamilyName, PreferredUsername: c.PreferredUsername,
		Picture: c.Picture, Locale: c.Locale,
	}
}

// toIDToken copies the decoded claims into an IDToken.
func (c *idClaims) toIDToken(raw string, payload []byte) *IDToken {
	return &IDToken{
		Issuer:          c.Iss,
		Subject:         c.Sub,
		Audience:        c.Aud,
		AuthorizedParty: c.Azp,
		Expiry:          c.Exp.time(),
		IssuedAt:        c.Iat.time(),
		NotBefore:       c.Nbf.time(),
		AuthTime:        c.AuthTime.time(),
		Nonce:           c.Nonce,
		AccessTokenHash: c.AtHash,
		CodeHash:        c.CHash,
		ACR:             c.ACR,
		AMR:             c.AMR,
		Profile:         c.profile(),
		Raw:             raw,
		payload:         payload,
	}
}

// audience is "aud": a single string or an array of strings (RFC 7519
// section 4.1.3).
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	if len(b) > 1 && b[0] == '"' {
		// The common case: a plain string without escapes.
		if inner := b[1 : len(b)-1]; b[len(b)-1] == '"' && bytes.IndexByte(inner, '\\') < 0 && bytes.IndexByte(inner, '"') < 0 {
			*a = audience{string(inner)}
			return nil
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = audience{s}
		return nil
	}
	if bytes.Equal(b, []byte("null")) {
		*a = nil
		return nil
	}
	var s []string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New("aud is neither a string nor an array of strings")
	}
	*a = s
	return nil
}

// numericDate is a JWT NumericDate (RFC 7519 section 2): seconds since
// the epoch, possibly fractional. set records presence.
type numericDate struct {
	sec float64
	set bool
}

func (d *numericDate) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*d = numericDate{}
		return nil
	}
	nd, err := parseNumericDate(string(b))
	if err != nil {
		return err
	}
	*d = nd
	return nil
}

// parseNumericDate reads the JSON number s as a NumericDate.
func parseNumericDate(s string) (numericDate, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return numericDate{}, errors.New("a date claim is not a number")
	}
	// Clamp far-off values so that time arithmetic cannot overflow.
	const limit = 1 << 40
	f = max(min(f, limit), -limit)
	return numericDate{sec: f, set: true}, nil
}

func (d numericDate) time() time.Time {
	if !d.set {
		return time.Time{}
	}
	sec, frac := math.Modf(d.sec)
	return time.Unix(int64(sec), int64(frac*1e9))
}

// looseBool is a boolean that also accepts the strings "true" and
// "false", as some providers send email_verified.
type looseBool bool

func (l *looseBool) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "true", `"true"`:
		*l = true
	case "false", `"false"`, "null":
		*l = false
	default:
		return errors.New("a boolean claim is neither a boolean nor \"true\" or \"false\"")
	}
	return nil
}
