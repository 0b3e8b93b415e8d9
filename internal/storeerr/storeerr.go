// Package storeerr words the errors of token stores and of the session
// that uses one, so that each message carries one prefix: a store
// prefixes its messages with its own name ("redis store: "), and the
// oauthkit token-store sentinels it wraps keep matching with [errors.Is]
// without bringing their "oauthkit: token store: " into the message.
package storeerr

import (
	"fmt"
	"strings"
)

// sentinelPrefix is what the oauthkit token-store sentinels begin with.
const sentinelPrefix = "oauthkit: token store: "

// Errorf is [fmt.Errorf] whose message leaves out the prefix of the
// token-store sentinels it wraps: Errorf("redis store: save: %w",
// oauthkit.ErrLeaseLost) reads "redis store: save: lease lost" and
// matches oauthkit.ErrLeaseLost.
func Errorf(format string, args ...any) error {
	return Trim(fmt.Errorf(format, args...))
}

// Trim returns err with the token-store sentinels' prefix left out of
// its message, still matching everything err matches; err itself when
// its message has no such prefix.
func Trim(err error) error {
	msg := strings.ReplaceAll(err.Error(), sentinelPrefix, "")
	if msg == err.Error() {
		return err
	}
	return &worded{err: err, msg: msg}
}

// worded is an error with another message.
type worded struct {
	err error
	msg string
}

func (e *worded) Error() string { return e.msg }
func (e *worded) Unwrap() error { return e.err }
