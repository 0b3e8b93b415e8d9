package oauthkit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Member names of an introspection response (RFC 7662 section 2.2).
const (
	introActive    = "active"
	introScope     = "scope"
	introClientID  = "client_id"
	introUsername  = "username"
	introTokenType = "token_type"
	introExp       = "exp"
	introIat       = "iat"
	introNbf       = "nbf"
	introSub       = "sub"
	introAud       = "aud"
	introIss       = "iss"
	introJTI       = "jti"
)

// Introspection is the answer of an introspection endpoint about one token
// (RFC 7662 section 2.2). Only Active is always present: an inactive token
// usually comes with nothing else.
//
// The values are the server's statements, taken as they came; Introspect
// does not check them against each other or against the clock. Use
// [Introspection.ActiveAt] for a check of the time bounds.
type Introspection struct {
	// Active says whether the token is currently active.
	Active bool
	// Scope is the space-separated scope of the token, if given.
	Scope string
	// ClientID is the client the token was issued to, if given.
	ClientID string
	// Username is a human-readable identifier of the resource owner, if
	// given.
	Username string
	// TokenType is the type of the token, e.g. "Bearer", if given.
	TokenType string
	// ExpiresAt is when the token expires (exp); zero if not given.
	ExpiresAt time.Time
	// IssuedAt is when the token was issued (iat); zero if not given.
	IssuedAt time.Time
	// NotBefore is when the token starts being valid (nbf); zero if not
	// given.
	NotBefore time.Time
	// Subject is the subject of the token (sub), if given.
	Subject string
	// Audience lists the intended audiences (aud, a string or an array).
	Audience []string
	// Issuer is the issuer of the token (iss), if given.
	Issuer string
	// JWTID is the identifier of the token (jti), if given.
	JWTID string
	// Extra holds every other member of the response.
	Extra map[string]any
	// Raw holds every member of the response as the server sent it, those
	// with a field of their own included and in the server's own shape:
	// aud and scope a string or an array, active a boolean or a string,
	// times a number or a numeric string. Top-level numbers are int64 or
	// float64, as in Extra. json.Marshal(in.Raw) reproduces the answer,
	// for instance to pass it on; nil for an Introspection not made by
	// Introspect.
	Raw map[string]any
}

// ActiveAt reports whether the introspection says the token is active at
// now: Active, not expired and not before its nbf. Times not given are not
// checked.
func (in *Introspection) ActiveAt(now time.Time) bool {
	if in == nil || !in.Active {
		return false
	}
	if !in.ExpiresAt.IsZero() && !now.Before(in.ExpiresAt) {
		return false
	}
	return in.NotBefore.IsZero() || !now.Before(in.NotBefore)
}

// String describes the introspection in one line. It holds no secrets.
func (in *Introspection) String() string {
	if in == nil {
		return "<nil introspection>"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "oauthkit.Introspection{Active:%t", in.Active)
	str := func(name, v string) {
		if v != "" {
			fmt.Fprintf(&b, " %s:%q", name, v)
		}
	}
	str("Scope", in.Scope)
	str("ClientID", in.ClientID)
	str("Subject", in.Subject)
	str("Issuer", in.Issuer)
	if len(in.Audience) > 0 {
		fmt.Fprintf(&b, " Audience:%q", in.Audience)
	}
	if !in.ExpiresAt.IsZero() {
		fmt.Fprintf(&b, " ExpiresAt:%s", in.ExpiresAt.UTC().Format(time.RFC3339))
	}
	if len(in.Extra) > 0 {
		fmt.Fprintf(&b, " Extra:%d members", len(in.Extra))
	}
	b.WriteString("}")
	return b.String()
}

// Introspect asks the introspection endpoint about token (RFC 7662). When
// token is empty it asks about the session's access token. The
// token_type_hint follows the rules of [Session.Revoke]. The client
// authenticates as it does at the token endpoint;
// Hooks.IntrospectTokenRequest run on the request.
//
// An inactive token is not an error: the result has Active false. Errors
// are an [*Error] for an error answer, a [*ResponseError] for anything
// else; a 2xx body without a boolean "active" also matches
// [ErrInvalidIntrospection], and a 503 answer [ErrServiceUnavailable].
func (s *Session) Introspect(ctx context.Context, token string, opts ...IntrospectOption) (*Introspection, error) {
	var p endpointParams
	for _, o := range opts {
		o.applyIntrospect(&p)
	}
	token, hint, err := s.tokenAndHint(endpointIntrospection, token, &p, false)
	if err != nil {
		return nil, err
	}
	raw, err := s.postLifecycle(ctx, endpointIntrospection, cmpOr(p.url, s.cfg.IntrospectionURL), token, hint, &p, s.cfg.Hooks.IntrospectTokenRequest)
	if err != nil {
		return nil, err
	}
	return introspectionFromResponse(raw)
}

// introspectionFromResponse turns an introspection answer into an
// Introspection, or an error naming the endpoint and status.
func introspectionFromResponse(r *rawResponse) (*Introspection, error) {
	m, err := r.decodeLifecycle(endpointIntrospection)
	if err != nil {
		return nil, err
	}
	in, err := introspectionFromMap(m)
	if err != nil {
		return nil, &ResponseError{Endpoint: endpointIntrospection, StatusCode: r.status,
			ContentType: r.header.Get("Content-Type"), Body: bounded(r.body),
			Err: fmt.Errorf("%w: %w", ErrInvalidIntrospection, err)}
	}
	return in, nil
}

// introspectionFromMap reads the members of RFC 7662 section 2.2,
// liberally: active may be a "true"/"false" string, times numeric strings,
// aud a string or an array, scope an array of strings.
func introspectionFromMap(m map[string]any) (*Introspection, error) {
	in := &Introspection{}
	active, err := boolMember(m[introActive])
	if err != nil {
		return nil, fmt.Errorf("member %q: %w", introActive, err)
	}
	in.Active = active
	for _, f := range []struct {
		name string
		dst  *string
	}{
		{introClientID, &in.ClientID}, {introUsername, &in.Username}, {introTokenType, &in.TokenType},
		{introSub, &in.Subject}, {introIss, &in.Issuer}, {introJTI, &in.JWTID},
	} {
		if *f.dst, err = stringMember(m[f.name]); err != nil {
			return nil, fmt.Errorf("member %q: %w", f.name, err)
		}
	}
	if in.Scope, err = scopeMember(m[introScope]); err != nil {
		return nil, fmt.Errorf("member %q: %w", introScope, err)
	}
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{introExp, &in.ExpiresAt}, {introIat, &in.IssuedAt}, {introNbf, &in.NotBefore}} {
		if *f.dst, err = timeMember(m[f.name]); err != nil {
			return nil, fmt.Errorf("member %q: %w", f.name, err)
		}
	}
	if in.Audience, err = audienceMember(m[introAud]); err != nil {
		return nil, fmt.Errorf("member %q: %w", introAud, err)
	}
	in.Extra = extraMembers(m, introActive, introScope, introClientID, introUsername, introTokenType,
		introExp, introIat, introNbf, introSub, introAud, introIss, introJTI)
	in.Raw = extraMembers(m)
	return in, nil
}

// boolMember requires a boolean, or the strings "true" and "false".
func boolMember(v any) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		return false, fmt.Errorf("%q is not a boolean", x)
	case nil:
		return false, errors.New("missing")
	}
	return false, fmt.Errorf("a %s, want a boolean", jsonKind(v))
}

// stringMember accepts a string or nothing.
func stringMember(v any) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	}
	return "", fmt.Errorf("a %s, want a string", jsonKind(v))
}

// scopeMember accepts a space-separated string or an array of strings.
func scopeMember(v any) (string, error) {
	if a, ok := v.([]any); ok {
		ss, err := stringArray(a)
		return strings.Join(ss, " "), err
	}
	return stringMember(v)
}

// timeMember accepts Unix seconds as a number or a numeric string; zero
// or nothing is the zero time.
func timeMember(v any) (time.Time, error) {
	if v == nil {
		return time.Time{}, nil
	}
	n, err := number(v)
	if err != nil {
		return time.Time{}, err
	}
	if n <= 0 {
		return time.Time{}, nil
	}
	return time.Unix(n, 0), nil
}

// audienceMember accepts a string or an array of strings (RFC 7519
// section 4.1.3).
func audienceMember(v any) ([]string, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		if x == "" {
			return nil, nil
		}
		return []string{x}, nil
	case []any:
		return stringArray(x)
	}
	return nil, fmt.Errorf("a %s, want a string or an array of strings", jsonKind(v))
}

func stringArray(a []any) ([]string, error) {
	out := make([]string, 0, len(a))
	for _, e := range a {
		s, ok := e.(string)
		if !ok {
			return nil, fmt.Errorf("array holds a %s, want strings", jsonKind(e))
		}
		out = append(out, s)
	}
	return out, nil
}

// extraMembers returns the members of m not named in known, numbers as
// plain Go values; nil when there are none.
func extraMembers(m map[string]any, known ...string) map[string]any {
	var extra map[string]any
	for k, v := range m {
		if slices.Contains(known, k) {
			continue
		}
		if extra == nil {
			extra = make(map[string]any)
		}
		if n, ok := v.(json.Number); ok {
			v = numberValue(n)
		}
		extra[k] = v
	}
	return extra
}
