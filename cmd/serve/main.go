// Command serve serves web/: `make serve` against the real sipgate API,
// `make demo` (-mock) with the fake API on the same origin, and -proxy with
// a same-origin path to the API (internal/apiproxy) for deployments where
// the API does not answer the page's origin.
//
// With -proxy, "Sign in with sipgate" (internal/signin) is on when
// SIPGATE_CLIENT_ID and SIPGATE_CLIENT_SECRET are set: the client's
// secret comes from the environment only, never from a flag (which any
// user of the machine can read in ps). In -mock mode it is always on, with
// the fake login server and the demo client on the same origin.
//
//	go run ./cmd/serve [-addr localhost:8080] [-mock | -proxy [-upstream URL] [-login-server URL]] [-dir web]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"sipgate-account/internal/apiproxy"
	"sipgate-account/internal/demo"
	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/pageconfig"
	"sipgate-account/internal/settings"
	"sipgate-account/internal/signin"
	"sipgate-account/internal/webserver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends. It prints the page's address (and in mock mode
// the demo credentials) once the listener is open.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("serve", flag.ContinueOnError)
	flags.SetOutput(stdout)
	addr := flags.String("addr", "localhost:8080", "address to listen on")
	mock := flags.Bool("mock", false, "serve the fake sipgate API on the same origin (demo mode)")
	dir := flags.String("dir", "web", "the web root to serve")
	proxy := flags.Bool("proxy", false, "forward GET /v2/account on this origin to the API (see -upstream)")
	// The proxy's and the sign-in's settings, from the one table both
	// hosts read (the client's credentials from the environment).
	values := map[string]*string{}
	for _, st := range settings.Table {
		if !st.FromEnv {
			values[st.Flag] = flags.String(st.Flag, st.Default, st.Usage)
		}
	}
	writeStall := flags.Duration("write-stall", webserver.DefaultWriteStall, "drop a client that reads nothing for this long while an answer waits")
	perClient := flags.Int("conns-per-client", webserver.DefaultConnsPerClient, "open connections allowed per client address (IPv6: per /64)")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil // -h asked for the usage, which the flags printed
		}
		return err
	}
	if *mock && *proxy {
		return errors.New("-mock and -proxy both serve /v2 on this origin: choose one")
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", flags.Args())
	}
	if _, err := os.Stat(filepath.Join(*dir, webserver.WasmFile)); err != nil {
		return fmt.Errorf("%s is missing: run `make build` first", filepath.Join(*dir, webserver.WasmFile))
	}
	if *writeStall <= 0 || *perClient <= 0 {
		return errors.New("-write-stall and -conns-per-client must be positive")
	}
	given := map[string]bool{}
	flags.Visit(func(f *flag.Flag) { given[f.Name] = true })
	set, err := settings.Read(func(st settings.Setting) (string, bool) {
		if st.FromEnv {
			return os.LookupEnv(st.Var)
		}
		return *values[st.Flag], given[st.Flag]
	}, settingName)
	if err != nil {
		return err
	}
	signIn, err := set.SignIn()
	if *proxy && err != nil {
		return err
	}
	notes := unusedSettings(set, *proxy, given)
	ln, err := net.Listen("tcp", *addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("%s is in use by another program: choose another address with -addr (make demo: ADDR=localhost:8081 make demo)", *addr)
	}
	if err != nil {
		return err
	}
	defer ln.Close()
	url := "http://" + displayAddr(*addr, ln.Addr())

	logger := log.New(stdout, "", log.LstdFlags)
	cfg := webserver.Config{Dir: *dir}
	var upstreamOrigin string
	var signInOff error
	if *mock {
		// Decided on the address bound, not the one shown: on 0.0.0.0 the
		// fake login server would answer the network, and the demo's
		// client secret would cross it.
		o := demo.Options{SignInOrigin: url, Logf: logger.Printf}
		if !onLoopback(ln.Addr()) {
			o.SignInOrigin = ""
		}
		cfg, signInOff = demo.Site(*dir, o)
		if o.SignInOrigin == "" {
			signInOff = fmt.Errorf("it listens on %s, not only on a loopback address", ln.Addr())
		}
	}
	if *proxy {
		p, err := apiproxy.New(set.Proxy(logger.Printf))
		if err != nil {
			return fmt.Errorf("-upstream: %w", err)
		}
		cfg.API, upstreamOrigin = p, p.Upstream()
		if signIn {
			flow, err := signin.New(set.SignInConfig(logger.Printf))
			if err != nil {
				return fmt.Errorf("sign-in: %w", err)
			}
			cfg.SignIn = flow
		}
	}
	handler, err := webserver.New(cfg)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		// No WriteTimeout, which would cut off the fake API's slow
		// scenarios: the listener drops a client whose reading stalls one
		// write instead.
	}

	fmt.Fprintf(stdout, "Serving %s on %s\n", *dir, url)
	if *mock {
		fmt.Fprintf(stdout, "Demo mode: the fake sipgate API answers at %s/v2 on the same origin.\n", url)
		fmt.Fprintf(stdout, "  Log in with   %s / %s\n", fakeapi.DemoUser, fakeapi.DemoPassword)
		fmt.Fprintf(stdout, "  or the token  %s / %s\n", fakeapi.DemoTokenID, fakeapi.DemoToken)
		fmt.Fprintf(stdout, "  OAuth access token (fetchAccountWithToken, %s/embed.html): %s\n", url, fakeapi.DemoAccessToken)
		if signInOff == nil {
			fmt.Fprintln(stdout, "  or \"Sign in with sipgate\": the fake login server asks you to Allow or Deny.")
		} else {
			fmt.Fprintln(stdout, "  \"Sign in with sipgate\" is off on this address:", signInOff)
		}
		fmt.Fprintf(stdout, "  Other answers: set Advanced > API base URL to %s/scenario/NAME/v2, NAME one of:\n", url)
		for _, sc := range fakeapi.Scenarios() {
			fmt.Fprintf(stdout, "    %-15s %s\n", sc.Name, sc.Description)
		}
	} else if *proxy {
		fmt.Fprintf(stdout, "Proxy mode: %s/v2/account is forwarded to %s/v2/account (%d requests a minute per address, %s timeout).\n",
			url, upstreamOrigin, set.Limit, set.Timeout)
		fmt.Fprintln(stdout, "  The proxy sees the credentials in transit: run it only where you would type them.")
		if cfg.SignIn != nil {
			redirect := set.RedirectURL
			if redirect == "" {
				redirect = url + signin.CallbackPath
			}
			fmt.Fprintf(stdout, "  Sign in with sipgate: %s%s, client %s; register %s as its redirect URI.\n",
				set.LoginServer, signin.RealmPath, set.ClientID, redirect)
			if set.RedirectURL == "" {
				fmt.Fprintf(stdout, "  The redirect URI follows the host each request names: behind a front that serves https://your.example,\n"+
					"  it is https://your.example%s (the front must pass on the Host header; or set -redirect-url).\n", signin.CallbackPath)
			}
		}
	} else {
		fmt.Fprintln(stdout, "The page calls the real sipgate API (https://api.sipgate.com/v2).")
	}
	if cfg.API != nil {
		if note := unservedConfig(*dir); note != "" {
			fmt.Fprintln(stdout, note)
		}
	}
	for _, note := range notes {
		fmt.Fprintln(stdout, "  Note:", note)
	}
	fmt.Fprintln(stdout, "Press Ctrl+C to stop.")

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(webserver.GuardListener(ln, *writeStall, *perClient)) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// displayAddr keeps the host name the user asked for (localhost reads
// better than 127.0.0.1) with the port actually bound (for -addr :0).
func displayAddr(asked string, bound net.Addr) string {
	host, _, err := net.SplitHostPort(asked)
	_, port, err2 := net.SplitHostPort(bound.String())
	if err != nil || err2 != nil {
		return bound.String()
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// unservedConfig says when the web root's config.json holds settings that
// are not served: where /v2 on this origin answers, the page's
// config.json is this server's own.
func unservedConfig(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "config.json"))
	if err != nil {
		return ""
	}
	var file pageconfig.Config
	if json.Unmarshal(b, &file) == nil && file == pageconfig.Shipped {
		return ""
	}
	return "  Note: " + filepath.Join(dir, "config.json") + " is not served: on this origin the page's config.json points at /v2 here, and its settings there are not used."
}

// onLoopback says whether the listener is bound to a loopback address
// only: 0.0.0.0 or :: listen on every address, whatever name is shown.
func onLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// settingName is how this command spells a setting: its flag, or the
// environment variable it reads.
func settingName(st settings.Setting) string {
	if st.FromEnv {
		return st.Var
	}
	return "-" + st.Flag
}

// unusedSettings are the settings given that have no effect, each said
// at start rather than ignored without a word.
func unusedSettings(v settings.Values, proxy bool, given map[string]bool) []string {
	var notes []string
	isGiven := func(st settings.Setting) bool {
		if st.FromEnv {
			return os.Getenv(st.Var) != ""
		}
		return given[st.Flag]
	}
	for _, st := range settings.Table {
		if !proxy && isGiven(st) {
			notes = append(notes, settingName(st)+" has no effect without -proxy")
		}
	}
	if proxy {
		for _, st := range v.Unused(isGiven) {
			notes = append(notes, settingName(st)+" has no effect without SIPGATE_CLIENT_ID")
		}
	}
	return notes
}
