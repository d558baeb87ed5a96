// Package miniflare runs the edge Worker in miniflare, Cloudflare's local
// simulator (run.mjs), for the tests of what only Cloudflare offers: the
// Rate Limiting binding.
package miniflare

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"sipgate-account/internal/settings"
	"sipgate-account/internal/testkit/lockedbuf"
)

// Config says what to run.
type Config struct {
	// Root is the repository's root: edge/build and build/miniflare are
	// found there.
	Root string
	// Vars are the Worker's variables by name.
	Vars map[string]string
	// RateLimit, when > 0, binds the Rate Limiting namespace the Worker
	// asks for, with this simple.limit a minute.
	RateLimit int
}

// Worker is a running miniflare.
type Worker struct {
	URL string
	cmd *exec.Cmd
	log *lockedbuf.Buffer
}

// Start starts miniflare and returns once the Worker answers.
func Start(ctx context.Context, cfg Config) (*Worker, error) {
	root, err := filepath.Abs(cfg.Root)
	if err != nil {
		return nil, err
	}
	mf := filepath.Join(root, "build", "miniflare")
	if _, err := os.Stat(filepath.Join(mf, "node_modules", "miniflare")); err != nil {
		return nil, fmt.Errorf("miniflare is not installed (%v): run `make miniflare`", err)
	}
	build := filepath.Join(root, "edge", "build")
	if _, err := os.Stat(filepath.Join(build, "app.wasm")); err != nil {
		return nil, fmt.Errorf("the Worker is not built (%v): run `make edge`", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	arg, _ := json.Marshal(map[string]any{"miniflare": mf, "build": build, "port": port, "vars": cfg.Vars,
		"rateLimit": cfg.RateLimit, "binding": settings.RateLimitBinding, "period": int(settings.RateLimitPeriod.Seconds())})
	_, here, _, _ := runtime.Caller(0)
	cmd := exec.CommandContext(ctx, "node", filepath.Join(filepath.Dir(here), "run.mjs"), string(arg))
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	w := &Worker{cmd: cmd, log: &lockedbuf.Buffer{}}
	cmd.Stderr = w.log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "ready "); ok {
				ready <- strings.TrimSuffix(u, "/")
			}
		}
		close(ready)
	}()
	select {
	case u, ok := <-ready:
		if !ok {
			cmd.Wait()
			return nil, fmt.Errorf("miniflare stopped: %s", w.log)
		}
		w.URL = u
		return w, nil
	case <-time.After(60 * time.Second):
		w.Stop()
		return nil, fmt.Errorf("miniflare did not start within a minute: %s", w.log)
	}
}

// Stop ends miniflare and the runtime it started.
func (w *Worker) Stop() {
	w.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { w.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		w.cmd.Process.Kill()
		<-done
	}
}

// Log is what miniflare printed on stderr.
func (w *Worker) Log() string { return w.log.String() }
