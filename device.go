package oauthkit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Polling intervals of RFC 8628 section 3.5.
const (
	// defaultDeviceInterval is the wait between polls when the server
	// gives no interval.
	defaultDeviceInterval = 5 * time.Second
	// slowDownStep is added to the interval on each slow_down.
	slowDownStep = 5 * time.Second
	// maxDeviceInterval caps the interval, whatever the server says.
	maxDeviceInterval = time.Hour
	// maxPollNetworkErrors is how many network failures in a row polling
	// tolerates, backing off after each.
	maxPollNetworkErrors = 3
)

// maxLifetime caps expires_in so that adding it to a time cannot
// overflow.
const maxLifetime = 10 * 365 * 24 * time.Hour

// Member names of a device authorization response (RFC 8628 section 3.2).
const (
	deviceCode             = "device_code"
	deviceUserCode         = "user_code"
	deviceVerificationURI  = "verification_uri"
	deviceVerificationURL  = "verification_url" // Google's spelling
	deviceVerificationFull = "verification_uri_complete"
	deviceExpiresIn        = "expires_in"
	deviceInterval         = "interval"
)

// DeviceAuthorization is the answer of a device authorization endpoint
// (RFC 8628 section 3.2): the codes to show the user and to poll with.
// String, GoString, Format and LogValue redact DeviceCode.
type DeviceAuthorization struct {
	// DeviceCode is the secret the client polls the token endpoint with.
	DeviceCode string
	// UserCode is the code the user enters at VerificationURI.
	UserCode string
	// VerificationURI is where the user goes to enter UserCode. A
	// "verification_url" member (Google's spelling) is accepted too.
	VerificationURI string
	// VerificationURIComplete, if not empty, is VerificationURI with
	// UserCode included, for a QR code or a link.
	VerificationURIComplete string
	// ExpiresIn is the lifetime in seconds of the codes, or zero if the
	// server did not say.
	ExpiresIn int64
	// Interval is the number of seconds to wait between polls; zero means
	// 5.
	Interval int64
	// ExpiresAt is when the codes expire, computed at receipt; zero if
	// the server gave no expires_in.
	ExpiresAt time.Time
	// Extra holds every other member of the response.
	Extra map[string]any
}

// String describes the authorization without the device code.
func (d *DeviceAuthorization) String() string {
	if d == nil {
		return "<nil device authorization>"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "oauthkit.DeviceAuthorization{DeviceCode:%s UserCode:%q VerificationURI:%q", redact(d.DeviceCode), d.UserCode, d.VerificationURI)
	if !d.ExpiresAt.IsZero() {
		fmt.Fprintf(&b, " ExpiresAt:%s", d.ExpiresAt.UTC().Format(time.RFC3339))
	}
	if d.Interval != 0 {
		fmt.Fprintf(&b, " Interval:%d", d.Interval)
	}
	b.WriteString("}")
	return b.String()
}

// GoString is String, so %#v redacts too.
func (d *DeviceAuthorization) GoString() string { return d.String() }

// Format makes every fmt verb print the redacted form, also for a value
// that is not a pointer.
func (d DeviceAuthorization) Format(f fmt.State, verb rune) { fmt.Fprint(f, (&d).String()) }

// LogValue implements [slog.LogValuer] without the device code.
func (d DeviceAuthorization) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("device_code", redact(d.DeviceCode)),
		slog.String("user_code", d.UserCode),
		slog.String("verification_uri", d.VerificationURI),
		slog.Time("expires_at", d.ExpiresAt),
	)
}

// DeviceAuthorization starts the device authorization grant (RFC 8628
// section 3.1): it posts to [Config.DeviceAuthURL], with the session's
// scopes unless [WithScopes] gives others, and the client authenticating
// as at the token endpoint ([WithClientAuth] and [WithAuthMethod] apply;
// [WithParam] adds parameters). Show the user UserCode and
// VerificationURI, then call [Session.PollDeviceToken].
//
// Errors are an [*Error] for an error answer, a [*ResponseError] for
// anything else; a 2xx answer without device_code, user_code or
// verification_uri also matches [ErrInvalidDeviceAuthorization].
func (s *Session) DeviceAuthorization(ctx context.Context, opts ...TokenOption) (*DeviceAuthorization, error) {
	var p tokenParams
	for _, o := range opts {
		o.applyToken(&p)
	}
	if s.cfg.DeviceAuthURL == "" {
		return nil, fmt.Errorf("%w: no device auth url", ErrNoEndpoint)
	}
	form := url.Values{}
	scopes := s.cfg.Scopes
	if p.scopesSet {
		scopes = p.scopes
	}
	if len(scopes) > 0 {
		form.Set("scope", strings.Join(scopes, " "))
	}
	for k, vs := range p.params {
		if len(form[k]) == 0 {
			form[k] = slices.Clone(vs)
		}
	}
	auth, err := s.resolveAuth(&p)
	if err != nil {
		return nil, err
	}
	raw, err := s.post(ctx, endpointCall{endpoint: endpointDevice, url: s.cfg.DeviceAuthURL, form: form, auth: auth})
	if err != nil {
		return nil, err
	}
	return deviceAuthFromResponse(raw, s.now())
}

// deviceAuthFromResponse reads a device authorization answer received at
// now.
func deviceAuthFromResponse(raw *rawResponse, now time.Time) (*DeviceAuthorization, error) {
	m, err := raw.decodeLifecycle(endpointDevice)
	if err != nil {
		return nil, err
	}
	da, err := deviceAuthFromMap(m, now)
	if err != nil {
		return nil, &ResponseError{Endpoint: endpointDevice, StatusCode: raw.status,
			ContentType: raw.header.Get("Content-Type"), Body: bounded(raw.body),
			Err: fmt.Errorf("%w: %w", ErrInvalidDeviceAuthorization, err)}
	}
	return da, nil
}

// deviceAuthFromMap reads the members of RFC 8628 section 3.2, liberally:
// numbers may be numeric strings, and verification_url stands for
// verification_uri.
func deviceAuthFromMap(m map[string]any, now time.Time) (*DeviceAuthorization, error) {
	d := &DeviceAuthorization{}
	var err error
	for _, f := range []struct {
		names []string
		dst   *string
	}{
		{[]string{deviceCode}, &d.DeviceCode},
		{[]string{deviceUserCode}, &d.UserCode},
		{[]string{deviceVerificationURI, deviceVerificationURL}, &d.VerificationURI},
		{[]string{deviceVerificationFull}, &d.VerificationURIComplete},
	} {
		for _, name := range f.names {
			if *f.dst == "" {
				if *f.dst, err = stringMember(m[name]); err != nil {
					return nil, fmt.Errorf("member %q: %w", name, err)
				}
			}
		}
	}
	for _, f := range []struct {
		name string
		dst  *int64
	}{{deviceExpiresIn, &d.ExpiresIn}, {deviceInterval, &d.Interval}} {
		if v := m[f.name]; v != nil {
			if *f.dst, err = number(v); err != nil {
				return nil, fmt.Errorf("member %q: %w", f.name, err)
			}
			if *f.dst < 0 {
				return nil, fmt.Errorf("member %q: negative", f.name)
			}
		}
	}
	switch {
	case d.DeviceCode == "":
		return nil, fmt.Errorf("no %s", deviceCode)
	case d.UserCode == "":
		return nil, fmt.Errorf("no %s", deviceUserCode)
	case d.VerificationURI == "":
		return nil, fmt.Errorf("no %s", deviceVerificationURI)
	}
	if d.ExpiresIn > 0 {
		d.ExpiresAt = now.Add(seconds(d.ExpiresIn, maxLifetime))
	}
	d.Extra = extraMembers(m, deviceCode, deviceUserCode, deviceVerificationURI, deviceVerificationURL,
		deviceVerificationFull, deviceExpiresIn, deviceInterval)
	return d, nil
}

// PollDeviceToken polls the token endpoint with the device code of da
// (RFC 8628 sections 3.4 and 3.5) until the user approves or denies the
// request, the code expires or ctx ends. It waits da.Interval seconds
// (5 when zero) before each poll, and 5 seconds more after each
// slow_down; after a network failure it doubles the wait, giving up after
// three in a row. The options are those of [Session.FetchToken].
//
// On success the token becomes the session's token, as with
// [Session.FetchToken]. A denial returns the server's [*Error], which also
// matches [ErrDeviceAccessDenied]; expiry, told by the server
// ("expired_token", also an *Error) or by da.ExpiresAt on the session's
// clock, matches [ErrDeviceCodeExpired]. When ctx ends, the error wraps
// its cause, so errors.Is(err, context.Canceled) works.
func (s *Session) PollDeviceToken(ctx context.Context, da *DeviceAuthorization, opts ...TokenOption) (*Token, error) {
	if da == nil || da.DeviceCode == "" {
		return nil, fmt.Errorf("%w: no device code to poll with", ErrInvalidDeviceAuthorization)
	}
	interval := defaultDeviceInterval
	if da.Interval > 0 {
		interval = seconds(da.Interval, maxDeviceInterval)
	}
	grant := ExtensionGrant(GrantTypeDeviceCode, url.Values{deviceCode: {da.DeviceCode}}, deviceCode)
	netErrs := 0
	for {
		if err := sleep(ctx, interval); err != nil {
			return nil, err
		}
		if !da.ExpiresAt.IsZero() && !s.now().Before(da.ExpiresAt) {
			return nil, fmt.Errorf("%w at %s", ErrDeviceCodeExpired, da.ExpiresAt.UTC().Format(time.RFC3339))
		}
		tok, err := s.FetchToken(ctx, grant, opts...)
		if err == nil {
			return tok, nil
		}
		if interval, err = nextPoll(ctx, err, interval, &netErrs); err != nil {
			return nil, err
		}
		s.log.DebugContext(ctx, "oauthkit: device authorization pending", "interval", interval)
	}
}

// nextPoll decides, after a failed poll, whether to poll again and after
// how long (RFC 8628 section 3.5).
func nextPoll(ctx context.Context, err error, interval time.Duration, netErrs *int) (time.Duration, error) {
	if ctx.Err() != nil {
		return 0, fmt.Errorf("oauthkit: device token polling: %w", context.Cause(ctx))
	}
	if e, ok := errors.AsType[*Error](err); ok {
		*netErrs = 0
		switch e.Code {
		case ErrorCodeAuthorizationPending:
			return interval, nil
		case ErrorCodeSlowDown:
			return min(interval+slowDownStep, maxDeviceInterval), nil
		case ErrorCodeAccessDenied:
			return 0, withSentinel(err, ErrDeviceAccessDenied)
		case ErrorCodeExpiredToken:
			return 0, withSentinel(err, ErrDeviceCodeExpired)
		}
		return 0, err
	}
	// "On encountering a connection timeout, clients MUST unilaterally
	// reduce their polling frequency before retrying."
	if _, ok := errors.AsType[*transportError](err); ok && *netErrs < maxPollNetworkErrors {
		*netErrs++
		return min(interval*2, maxDeviceInterval), nil
	}
	return 0, err
}

// seconds converts n seconds to a duration of at most limit, without
// overflow.
func seconds(n int64, limit time.Duration) time.Duration {
	if n >= int64(limit/time.Second) {
		return limit
	}
	return time.Duration(n) * time.Second
}

// sleep waits for d or for ctx to end.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("oauthkit: device token polling: %w", context.Cause(ctx))
	}
}
