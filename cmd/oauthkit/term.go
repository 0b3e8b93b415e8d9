package main

import (
	"io"
	"os"
	"sync"

	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// terminal reports whether w is a terminal, as a.isTTY says when set
// (tests), else isTerminal.
func (a *app) terminal(w io.Writer) bool {
	if a.isTTY != nil {
		return a.isTTY(w)
	}
	return isTerminal(w)
}

// useColour reports whether output to w gets ANSI colours: only on a
// terminal, and not when NO_COLOR is set (https://no-color.org).
func (a *app) useColour(w io.Writer) bool {
	return a.getenv("NO_COLOR") == "" && a.terminal(w)
}

// style paints text with ANSI escapes, or leaves it plain.
type style struct{ on bool }

const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiDim   = "\x1b[2m"
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiCyan  = "\x1b[36m"
)

func (s style) paint(code, text string) string {
	if !s.on || text == "" {
		return text
	}
	return code + text + ansiReset
}

func (s style) bold(t string) string  { return s.paint(ansiBold, t) }
func (s style) dim(t string) string   { return s.paint(ansiDim, t) }
func (s style) red(t string) string   { return s.paint(ansiRed, t) }
func (s style) green(t string) string { return s.paint(ansiGreen, t) }
func (s style) cyan(t string) string  { return s.paint(ansiCyan, t) }

// syncWriter serializes writes from several goroutines to one stream.
type syncWriter struct {
	mu sync.Mutex // guards w
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
