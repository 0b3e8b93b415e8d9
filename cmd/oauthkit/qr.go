package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/skip2/go-qrcode"
)

// qrQuietZone is the margin around a terminal QR code, in modules. ISO/IEC
// 18004 asks for four; two keep a typical verification URI within a
// 24-line terminal, and the terminal's own background adds to it.
const qrQuietZone = 2

// qrBlocks maps the ink of a text cell's top and bottom module to the
// half-block character that draws it: index top*2 + bottom.
var qrBlocks = [4]string{" ", "▄", "▀", "█"}

// ANSI colours of a QR code drawn in colour: black modules on a bright
// white background, whatever the terminal's own colours are.
const ansiQR = "\x1b[30;107m"

// writeQR draws content as a QR code on w, two rows of modules per line.
//
// In colour, dark modules are drawn black on a white background, which
// scanners read on any terminal. Without colour, the light modules are
// drawn instead, for the usual light text on a dark background; phone
// cameras also read a code whose colours end up inverted.
func writeQR(w io.Writer, content string, colour bool) error {
	q, err := qrcode.New(content, qrcode.Low)
	if err != nil {
		return fmt.Errorf("encoding %q as a QR code: %w", content, err)
	}
	q.DisableBorder = true
	lines := qrLines(q.Bitmap(), qrQuietZone, !colour)
	var b strings.Builder
	for _, l := range lines {
		if colour {
			l = ansiQR + l + ansiReset
		}
		b.WriteString(l + "\n")
	}
	_, err = io.WriteString(w, b.String())
	return err
}

// qrLines renders a QR code bitmap (bits[y][x] true for a dark module)
// surrounded by quiet modules of light, as lines of half blocks: each line
// holds two rows of modules, the upper one in the top half of the cells.
// With lightInk the light modules (the quiet zone among them) are drawn,
// otherwise the dark ones. When the number of rows is odd, the bottom
// half of the last line is left blank.
func qrLines(bits [][]bool, quiet int, lightInk bool) []string {
	size := len(bits) + 2*quiet
	ink := func(x, y int) bool {
		if y >= size {
			return false // below the code
		}
		x, y = x-quiet, y-quiet
		dark := y >= 0 && y < len(bits) && x >= 0 && x < len(bits[y]) && bits[y][x]
		return dark != lightInk
	}
	lines := make([]string, 0, (size+1)/2)
	for y := 0; y < size; y += 2 {
		var b strings.Builder
		for x := range size {
			i := 0
			if ink(x, y) {
				i += 2
			}
			if ink(x, y+1) {
				i++
			}
			b.WriteString(qrBlocks[i])
		}
		lines = append(lines, b.String())
	}
	return lines
}
