package oauthtest

import (
	"bytes"
	"net/http"
	"time"
)

// A Fault makes an endpoint misbehave. Faults are checked before the normal
// handler runs; the first injected fault that matches the endpoint applies.
//
// A fault that sets Status, Body or BodySize answers with that canned
// response instead of the normal one. A fault that sets none of them only
// delays the normal answer or adds headers to it.
type Fault struct {
	// Endpoint is the endpoint the fault applies to.
	Endpoint Endpoint

	// Status is the HTTP status to answer with. Zero means 200 for a canned
	// response and the normal status otherwise.
	Status int

	// Body is the canned body to answer with, such as an HTML page or
	// malformed JSON. If nil and BodySize is zero, the body is empty.
	Body []byte

	// ContentType is the Content-Type of the canned body. If empty,
	// "application/json" is used.
	ContentType string

	// BodySize, if positive, answers with a body this many bytes long of
	// JSON-looking data, to test response size limits. It overrides Body.
	BodySize int

	// Delay is how long to wait before answering. The wait ends early when
	// the request's context ends or the server is closed.
	Delay time.Duration

	// Hang holds the request without answering until its context ends or
	// the server is closed.
	Hang bool

	// Reset closes the connection abruptly without answering.
	Reset bool

	// Header holds extra headers for the answer, canned or normal, such as
	// Retry-After.
	Header http.Header

	// Times is how many requests the fault applies to. Zero means every
	// request until ClearFaults is called.
	Times int
}

type faultState struct {
	f    Fault
	left int // remaining applications; meaningless when f.Times is 0
}

// InjectFault adds a fault. Faults for the same endpoint apply in the order
// they were injected: once one has been used Times times, the next applies.
func (s *Server) InjectFault(f Fault) {
	s.init()
	f.Header = f.Header.Clone()
	f.Body = bytes.Clone(f.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultState{f: f, left: f.Times})
}

// ClearFaults removes all faults.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns the fault to apply to a request to ep, and uses it up.
func (s *Server) takeFault(ep Endpoint) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, fs := range s.faults {
		if fs.f.Endpoint != ep {
			continue
		}
		if fs.f.Times > 0 {
			fs.left--
			if fs.left <= 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return fs.f, true
	}
	return Fault{}, false
}

// applyFault applies f and reports whether the request has been answered.
func (s *Server) applyFault(f Fault, w http.ResponseWriter, r *http.Request) bool {
	if f.Hang {
		s.wait(r, -1)
		return true
	}
	if f.Delay > 0 && !s.wait(r, f.Delay) {
		return true
	}
	if f.Reset {
		resetConn(w)
		return true
	}
	for k, vs := range f.Header {
		w.Header()[k] = append(w.Header()[k], vs...)
	}
	if f.Status == 0 && f.Body == nil && f.BodySize <= 0 {
		return false
	}
	writeCanned(w, f)
	return true
}

// wait waits for d (forever if negative) and reports whether it elapsed
// before the request ended or the server closed.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	var timeout <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-timeout:
		return true
	case <-r.Context().Done():
	case <-s.done:
	}
	return false
}

func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2 cannot hijack; aborting the handler resets the stream.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

func writeCanned(w http.ResponseWriter, f Fault) {
	body := f.Body
	if f.BodySize > 0 {
		body = garbage(f.BodySize)
	}
	ct := f.ContentType
	if ct == "" {
		ct = "application/json"
	}
	status := f.Status
	if status == 0 {
		status = http.StatusOK
	}
	w.Header().Set("Content-Type", ct)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// garbage returns n bytes that look like the start of a JSON object that
// never ends.
func garbage(n int) []byte {
	const prefix = `{"access_token":"`
	b := bytes.Repeat([]byte("A"), max(n, len(prefix)))
	copy(b, prefix)
	return b[:n]
}
