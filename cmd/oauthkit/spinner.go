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
	s := &spinner{stop: make(chan struct{})}
	if !isTerminal(w) {
		fmt.Fprintln(w, msg)
		return s
	}
	s.wg.Go(func() {
		frames := []rune("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for i := 0; ; i++ {
			fmt.Fprintf(w, "\r%c %s", frames[i%len(frames)], msg)
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
