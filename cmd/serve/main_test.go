package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"sipgate-account/internal/devserver"
	"sipgate-account/internal/mockapi"
)

// lockedBuffer is an io.Writer that the test reads while run writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestRunServesDemoAndStops(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte("page"), 0o644)
	os.WriteFile(filepath.Join(dir, devserver.WasmFile), []byte("\x00asm"), 0o644)

	ctx, cancel := context.WithCancel(context.Background())
	out := &lockedBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-mock", "-dir", dir}, out) }()

	addr := regexp.MustCompile(`on (http://\S+)`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == ""; {
		if m := addr.FindStringSubmatch(out.String()); m != nil && strings.Contains(out.String(), "Ctrl+C") {
			base = m[1]
		} else if time.Now().After(deadline) {
			t.Fatalf("no address printed: %q", out.String())
		} else {
			time.Sleep(10 * time.Millisecond)
		}
	}
	for _, want := range []string{mockapi.DemoUser, mockapi.DemoPassword, mockapi.DemoTokenID, mockapi.DemoAccessToken, "status-NNN", "trickle"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo mode does not print %q:\n%s", want, out.String())
		}
	}
	req, _ := http.NewRequest("GET", base+"/v2/account", nil)
	req.SetBasicAuth(mockapi.DemoUser, mockapi.DemoPassword)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != mockapi.DemoAccount {
		t.Errorf("fake API = %d %q", resp.StatusCode, body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("run after cancel = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop")
	}
}

func TestRunNeedsTheBuiltModule(t *testing.T) {
	err := run(context.Background(), []string{"-addr", "127.0.0.1:0", "-dir", t.TempDir()}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "make build") {
		t.Errorf("run without the .wasm = %v, want advice to run make build", err)
	}
}

func TestRunRejectsBadFlags(t *testing.T) {
	if err := run(context.Background(), []string{"-nope"}, io.Discard); err == nil {
		t.Error("unknown flag accepted")
	}
	if err := run(context.Background(), []string{"extra"}, io.Discard); err == nil {
		t.Error("stray argument accepted")
	}
}
