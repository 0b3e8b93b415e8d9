package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// spinner shows that the command is waiting, on a terminal only. Stop it
// before writing anything else to the same stream.
type spinner struct {
	stop chan struct{}
	wg   sync.WaitGroup
}

// startSpinner starts a spinner with msg on w when w is a terminal; on
// anything else it writes msg once.
func (a *app) startSpinner(w io.Writer, msg string) *spinner {
	return a.startCountdown(w, msg, time.Time{})
}

// startCountdown is startSpinner with the time left until deadline after
// msg, counting down on a terminal; a zero deadline shows none.
func (a *app) startCountdown(w io.Writer, msg string, deadline time.Time) *spinner {
	s := &spinner{stop: make(chan struct{})}
	if !a.terminal(w) {
		fmt.Fprintln(w, countdownLine(msg, deadline, time.Now()))
		return s
	}
	s.wg.Go(func() {
		frames := []rune("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for i := 0; ; i++ {
			fmt.Fprintf(w, "\r\x1b[K%c %s", frames[i%len(frames)], countdownLine(msg, deadline, time.Now()))
			select {
			case <-s.stop:
				fmt.Fprint(w, "\r\x1b[K")
				return
			case <-t.C:
			}
		}
	})
	return s
}

// countdownLine is msg with the time left until deadline at now.
func countdownLine(msg string, deadline, now time.Time) string {
	if deadline.IsZero() {
		return msg
	}
	left := deadline.Sub(now).Truncate(time.Second)
	if left <= 0 {
		return msg + " (the code has expired)"
	}
	return fmt.Sprintf("%s (the code expires in %d:%02d)", msg, int(left.Minutes()), int(left.Seconds())%60)
}

// Stop ends the spinner and clears its line. It may be called more than
// once.
func (s *spinner) Stop() {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	s.wg.Wait()
}
