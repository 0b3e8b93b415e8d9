// Package wire reads bounded response bodies and decodes the JSON and
// form-encoded answers of OAuth 2.0 endpoints.
package wire

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"time"
)

// DefaultTimeout bounds an endpoint call whose context has no deadline.
const DefaultTimeout = 30 * time.Second

// WithDefaultTimeout gives ctx a deadline d from now (zero:
// DefaultTimeout) when it has none, so that a server that never answers
// cannot hang the call; a negative d gives none.
func WithDefaultTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok || d < 0 {
		return ctx, func() {}
	}
	if d == 0 {
		d = DefaultTimeout
	}
	return context.WithTimeout(ctx, d)
}

// MaxBody is the largest response body read: 1 MiB.
const MaxBody = 1 << 20

// ErrTooLarge is returned by ReadBody when the body exceeds the limit.
var ErrTooLarge = errors.New("body exceeds 1 MiB")

// ReadBody reads at most limit bytes of r; a longer body is ErrTooLarge.
func ReadBody(r io.Reader, limit int64) ([]byte, error) {
	return ReadSized(r, -1, limit)
}

// ReadSized is ReadBody for a body announced as size bytes (negative:
// unknown): its buffer starts at that size, so that a body of the size
// it announced is read without growing or copying. The size is only a
// hint; what r holds is read, up to limit.
func ReadSized(r io.Reader, size, limit int64) ([]byte, error) {
	if size <= 0 {
		size = 512
	}
	b := make([]byte, 0, min(size, limit)+1) // +1: the final read sees EOF without growing
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if int64(len(b)) > limit {
			return b[:limit], ErrTooLarge
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// MediaType returns the media type of a Content-Type header, lowercased,
// without parameters; "" when absent or malformed.
func MediaType(contentType string) string {
	if contentType == "application/json" {
		return contentType // the usual answer, without parsing
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return mt
}

// Decode decodes an endpoint answer into a map: JSON (numbers as
// json.Number) when the media type says JSON or the body looks like an
// object, form-encoded values when it says form or text/plain. Form
// members become strings.
func Decode(contentType string, body []byte) (map[string]any, error) {
	mt := MediaType(contentType)
	trimmed := bytes.TrimSpace(body)
	isJSON := mt == "application/json" || (len(mt) > 5 && mt[len(mt)-5:] == "+json")
	if isJSON || (len(trimmed) > 0 && trimmed[0] == '{' && mt != "application/x-www-form-urlencoded") {
		return DecodeJSON(trimmed)
	}
	if mt == "application/x-www-form-urlencoded" || mt == "text/plain" || mt == "" {
		return DecodeForm(trimmed)
	}
	return nil, fmt.Errorf("unexpected content type %q", mt)
}

// DecodeJSON decodes a JSON object, numbers kept as json.Number.
func DecodeJSON(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("invalid json: %w", err)
	}
	if m == nil {
		return nil, errors.New("json is not an object")
	}
	if dec.More() {
		return nil, errors.New("invalid json: data after the object")
	}
	return m, nil
}

// DecodeForm decodes application/x-www-form-urlencoded members; the first
// value of each is kept.
func DecodeForm(b []byte) (map[string]any, error) {
	v, err := url.ParseQuery(string(b))
	if err != nil {
		return nil, fmt.Errorf("invalid form: %w", err)
	}
	m := make(map[string]any, len(v))
	for k, vs := range v {
		if len(vs) > 0 {
			m[k] = vs[0]
		}
	}
	return m, nil
}
