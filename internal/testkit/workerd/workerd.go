// Package workerd runs the edge Worker (edge/, built by `make edge`) in
// workerd, the open-source Workers runtime from npm, on a loopback port: for
// the browser tests' proxy suite and for `make bench`.
package workerd

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"sipgate-account/internal/settings"
)

// Config says what to run.
type Config struct {
	// Root is the repository's root: edge/build and web/ are found there.
	Root string
	// Upstream, Limit, Timeout and MaxClients become the Worker's
	// UPSTREAM, PROXY_LIMIT, PROXY_TIMEOUT and PROXY_MAX_CLIENTS; a zero
	// value leaves the setting out (its default).
	Upstream   string
	Limit      int
	Timeout    time.Duration
	MaxClients int
	// TrustClientIPHeader becomes TRUST_CLIENT_IP_HEADER: the header that
	// names the client (CF-Connecting-IP on Cloudflare); "" keys the rate
	// limit by the connection's address.
	TrustClientIPHeader string
	// ClientID, ClientSecret and LoginServer become SIPGATE_CLIENT_ID,
	// SIPGATE_CLIENT_SECRET and LOGIN_SERVER: "Sign in with sipgate".
	ClientID, ClientSecret, LoginServer string
	// Vars are further settings by their variable's name, over the ones
	// above (a value that does not parse, for a test).
	Vars map[string]string
	// Faults sets TEST_FAULTS, with which the tests make the Go side fail.
	Faults bool
	// Entry replaces the Worker's entry module (edge/build/worker.mjs) with
	// another file, for make bench's plain-JavaScript Worker.
	Entry string
}

// Worker is a running workerd.
type Worker struct {
	// URL is where it listens: http://127.0.0.1:port.
	URL  string
	cmd  *exec.Cmd
	done chan struct{}
	mu   sync.Mutex
	log  bytes.Buffer
}

// BinaryPath is where `make workerd` installs workerd under root.
func BinaryPath(root string) string {
	if p := os.Getenv("WORKERD"); p != "" {
		return p
	}
	return filepath.Join(root, "build", "workerd", "node_modules", ".bin", "workerd")
}

// Start writes a workerd configuration for the built Worker and starts it.
// It returns once the Worker answers HTTP, or with an error that says what
// is missing.
func Start(ctx context.Context, cfg Config) (*Worker, error) {
	root, err := filepath.Abs(cfg.Root)
	if err != nil {
		return nil, err
	}
	bin := BinaryPath(root)
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("workerd is not installed (%v): run `make workerd`", err)
	}
	build := filepath.Join(root, "edge", "build")
	for _, f := range []string{"worker.mjs", "wasm_exec.js", "app.wasm"} {
		if _, err := os.Stat(filepath.Join(build, f)); err != nil {
			return nil, fmt.Errorf("the Worker is not built (%v): run `make edge`", err)
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	// Beside the Worker's files: a configuration embeds files by paths
	// relative to itself.
	config := filepath.Join(build, "workerd-"+strconv.Itoa(port)+".capnp")
	entry := "worker.mjs"
	if cfg.Entry != "" {
		// workerd embeds files beside its configuration only.
		b, err := os.ReadFile(cfg.Entry)
		if err != nil {
			return nil, err
		}
		entry = "entry-" + strconv.Itoa(port) + ".mjs"
		if err := os.WriteFile(filepath.Join(build, entry), b, 0o644); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(config, []byte(capnp(filepath.Join(root, "web"), entry, port, cfg)), 0o644); err != nil {
		return nil, err
	}
	w := &Worker{URL: "http://127.0.0.1:" + strconv.Itoa(port), done: make(chan struct{})}
	w.cmd = exec.Command(bin, "serve", config)
	w.cmd.Stdout, w.cmd.Stderr = (*lockedWriter)(w), (*lockedWriter)(w)
	if err := w.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		w.cmd.Wait()
		os.Remove(config)
		if entry != "worker.mjs" {
			os.Remove(filepath.Join(build, entry))
		}
		close(w.done)
	}()
	if err := w.waitReady(ctx, port); err != nil {
		w.Stop()
		return nil, err
	}
	return w, nil
}

// waitReady waits until the port accepts connections, or workerd exits.
func (w *Worker) waitReady(ctx context.Context, port int) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	addr := "127.0.0.1:" + strconv.Itoa(port)
	for {
		var d net.Dialer
		conn, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			conn.Close()
			return nil
		}
		select {
		case <-w.done:
			return fmt.Errorf("workerd exited: %s", w.Log())
		case <-ctx.Done():
			return fmt.Errorf("workerd did not listen on %s: %s", addr, w.Log())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Log is what workerd printed.
func (w *Worker) Log() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.TrimSpace(w.log.String())
}

// PID is workerd's process, whose CPU time make bench reads.
func (w *Worker) PID() int { return w.cmd.Process.Pid }

// Stop ends workerd and waits for it.
func (w *Worker) Stop() {
	w.cmd.Process.Kill()
	<-w.done
}

type lockedWriter Worker

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.log.Write(p)
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// capnp is the workerd configuration: the Worker on 127.0.0.1:port, web/ as
// its ASSETS binding, and an outbound network that may reach loopback (the
// fake API), which workerd's default does not allow.
// entry is the file of the Worker's entry module, beside the configuration.
func capnp(web, entry string, port int, cfg Config) string {
	q := strconv.Quote
	vars := map[string]string{
		"UPSTREAM": cfg.Upstream, "TRUST_CLIENT_IP_HEADER": cfg.TrustClientIPHeader,
		"SIPGATE_CLIENT_ID": cfg.ClientID, "SIPGATE_CLIENT_SECRET": cfg.ClientSecret, "LOGIN_SERVER": cfg.LoginServer,
	}
	if cfg.Limit > 0 {
		vars["PROXY_LIMIT"] = strconv.Itoa(cfg.Limit)
	}
	if cfg.Timeout > 0 {
		vars["PROXY_TIMEOUT"] = cfg.Timeout.String()
	}
	if cfg.MaxClients > 0 {
		vars["PROXY_MAX_CLIENTS"] = strconv.Itoa(cfg.MaxClients)
	}
	maps.Copy(vars, cfg.Vars)
	if cfg.Faults {
		vars["TEST_FAULTS"] = "on"
	}
	// The Worker's settings, by the table it reads (and the tests' own).
	var bindings strings.Builder
	for _, name := range append(settings.Names(), "TEST_FAULTS") {
		if v := vars[name]; v != "" {
			fmt.Fprintf(&bindings, "    (name = %s, text = %s),\n", q(name), q(v))
		}
	}
	return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .proxy),
    (name = "assets", disk = (path = ` + q(web) + `, writable = false)),
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [(name = "http", address = ` + q("127.0.0.1:"+strconv.Itoa(port)) + `, http = (), service = "main")],
);

const proxy :Workerd.Worker = (
  modules = [
    (name = "worker.mjs", esModule = embed ` + q(entry) + `),
    (name = "wasm_exec.js", esModule = embed "wasm_exec.js"),
    (name = "app.wasm", wasm = embed "app.wasm"),
  ],
  compatibilityDate = "2025-01-01",
  bindings = [
` + bindings.String() + `    (name = "ASSETS", service = "assets"),
  ],
  globalOutbound = "net",
);
`
}
