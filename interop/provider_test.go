//go:build interop

package interop

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

const (
	// providerDir holds server.mjs and its node_modules.
	providerDir = "provider"
	// readyTimeout bounds how long node may take to print its READY line.
	readyTimeout = 20 * time.Second
	// stopTimeout bounds how long node may take to exit after SIGTERM.
	stopTimeout = 10 * time.Second
	// readyPrefix starts the line server.mjs prints once it listens.
	readyPrefix = "READY "
)

// errNoNodeModules is returned when the provider's npm packages are missing.
var errNoNodeModules = errors.New("interop: provider/node_modules is missing: run npm ci in interop/provider")

// provider is a running oidc-provider process.
type provider struct {
	// Issuer is the provider's issuer identifier, http://127.0.0.1:PORT.
	Issuer string

	cmd     *exec.Cmd
	stdin   io.WriteCloser
	stdout  *readyWriter
	stderr  *syncBuffer
	exited  chan struct{} // closed when cmd.Wait returns
	waitErr error         // set before exited is closed
}

// startProvider starts node provider/server.mjs on a free port, waits for its
// READY line. clientJWKSFile names the public JWKS of the private_key_jwt
// client.
func startProvider(clientJWKSFile string) (*provider, error) {
	if _, err := os.Stat(filepath.Join(providerDir, "node_modules", "oidc-provider")); err != nil {
		return nil, errNoNodeModules
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("interop: node (Node.js) is required: %w", err)
	}
	cmd := exec.Command(node, "server.mjs", "0")
	cmd.Dir = providerDir
	cmd.Env = append(os.Environ(), "CLIENT_JWKS_FILE="+clientJWKSFile, "WEB_APP_URLS="+strings.Join(webAppURLs(), ","),
		"MTLS_DIR="+mtls.dir)
	p := &provider{
		cmd:    cmd,
		stdout: newReadyWriter(),
		stderr: &syncBuffer{},
		exited: make(chan struct{}),
	}
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("interop: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("interop: start node: %w", err)
	}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	if err := p.awaitReady(); err != nil {
		p.stop()
		return nil, err
	}
	return p, nil
}

// awaitReady waits for the READY line, for node to exit or for readyTimeout.
func (p *provider) awaitReady() error {
	timer := time.NewTimer(readyTimeout)
	defer timer.Stop()
	select {
	case issuer := <-p.stdout.ready:
		p.Issuer = issuer
		return nil
	case <-p.exited:
		return fmt.Errorf("interop: node exited before it was ready (%v); stderr: %s", p.waitErr, p.stderr)
	case <-timer.C:
		return fmt.Errorf("interop: node not ready after %v; stderr: %s", readyTimeout, p.stderr)
	}
}

// stop sends SIGTERM to node, closes its stdin and waits for it to exit,
// killing it after stopTimeout. It returns node's exit error, if any other
// than the SIGTERM it was sent.
func (p *provider) stop() error {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	_ = p.stdin.Close()
	timer := time.NewTimer(stopTimeout)
	defer timer.Stop()
	select {
	case <-p.exited:
	case <-timer.C:
		_ = p.cmd.Process.Kill()
		<-p.exited
		return fmt.Errorf("interop: node did not exit within %v and was killed", stopTimeout)
	}
	var exit *exec.ExitError
	if errors.As(p.waitErr, &exit) && !exit.Exited() {
		return nil // ended by the signal, as asked
	}
	return p.waitErr
}

// Stderr returns what node wrote to its standard error so far.
func (p *provider) Stderr() string { return p.stderr.String() }

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// readyWriter collects node's stdout and sends the issuer from the first
// READY line on ready.
type readyWriter struct {
	ready chan string // buffered; receives the issuer once

	mu   sync.Mutex // guards line and sent
	line []byte
	sent bool
}

func newReadyWriter() *readyWriter { return &readyWriter{ready: make(chan string, 1)} }

func (w *readyWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range p {
		if c != '\n' {
			w.line = append(w.line, c)
			continue
		}
		line := strings.TrimSpace(string(w.line))
		w.line = w.line[:0]
		if issuer, ok := strings.CutPrefix(line, readyPrefix); ok && !w.sent {
			w.sent = true
			w.ready <- issuer
		}
	}
	return len(p), nil
}
