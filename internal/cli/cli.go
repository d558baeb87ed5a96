// Package cli is the terminal twin of the browser module: the same Go core
// (package sipgate) with net/http's native transport. It prints what
// sipgate's own example prints, "Status:" and "Body:", or with -json the
// object the JavaScript API resolves with (its message in the command's
// words), and it fails with the same codes, worded for a terminal, and one
// exit code per error code.
//
// cmd/sipgate-account is its main; the package exists so that the browser
// tests can run it beside the module and compare the two.
package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"sipgate-account/sipgate"
)

// Env is what the command reads from its surroundings, so that tests can
// supply each part.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Getenv reads an environment variable.
	Getenv func(string) string
	// Terminal reports whether Stdin is a terminal, where the command may ask.
	Terminal bool
	// ReadSecret shows prompt on the terminal and reads one line without
	// echoing it, ending with a new line of its own.
	ReadSecret func(prompt string) (string, error)
	// Client sends the request; nil means sipgate.NewClient(nil).
	Client *sipgate.Client
}

// Exit codes, one per error code, so that a script can tell them apart.
// 0 is the account; 2 also covers a wrong command line.
var exitCodes = map[sipgate.Code]int{
	sipgate.CodeInvalidArgument:  2,
	sipgate.CodeUnauthorized:     3,
	sipgate.CodeForbidden:        4,
	sipgate.CodeNotFound:         5,
	sipgate.CodeMethodNotAllowed: 6,
	sipgate.CodeRateLimited:      7,
	sipgate.CodeServerError:      8,
	sipgate.CodeHTTPError:        9,
	sipgate.CodeBadResponse:      10,
	sipgate.CodeResponseTooLarge: 11,
	sipgate.CodeNetwork:          12,
	sipgate.CodeTimeout:          13,
	sipgate.CodeAborted:          130, // as a shell reports an interrupted command
}

// ExitCode is the exit status for an error code; 1 for anything else.
func ExitCode(code sipgate.Code) int {
	if n, ok := exitCodes[code]; ok {
		return n
	}
	return 1
}

const usage = `Usage: sipgate-account [-u user] [-token] [-json] [-base-url URL] [-timeout 15s]

Looks up the sipgate account (GET {base-url}/account) and prints
"Status:" and "Body:" as sipgate's REST API example does.

The user (e-mail or token ID) comes from -u or SIPGATE_USERNAME, the password
or personal access token from SIPGATE_PASSWORD. With -token, an OAuth access
token is sent as a Bearer token instead, from SIPGATE_TOKEN. What is missing is
asked for on the terminal, without echo for secrets. A password is never a
command-line flag: the shell would keep it in its history.

Flags:
`

// Run runs the command with args (without the program name) and returns
// its exit status.
func Run(ctx context.Context, args []string, env Env) int {
	flags := flag.NewFlagSet("sipgate-account", flag.ContinueOnError)
	flags.SetOutput(env.Stderr)
	flags.Usage = func() {
		fmt.Fprint(env.Stderr, usage)
		flags.PrintDefaults()
	}
	user := flags.String("u", "", "user: e-mail address or token ID (default $SIPGATE_USERNAME)")
	token := flags.Bool("token", false, "send an OAuth access token as Bearer ($SIPGATE_TOKEN) instead of user and password")
	asJSON := flags.Bool("json", false, "print the result object of the JavaScript API instead of Status and Body")
	baseURL := flags.String("base-url", sipgate.DefaultBaseURL, "API base URL: https, or http to a loopback host")
	timeout := flags.Duration("timeout", sipgate.DefaultTimeout, "bounds the whole call; 0 means no limit")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if flags.NArg() > 0 {
		// Not repeated: it may be a password typed in the wrong place, and
		// this line may end up in a log.
		fmt.Fprintf(env.Stderr, "sipgate-account: unexpected argument (%d after the flags, not shown); a password is never an argument (set SIPGATE_PASSWORD, or you are asked)\n", flags.NArg())
		return 2
	}
	if *timeout < 0 {
		fmt.Fprintln(env.Stderr, "sipgate-account: -timeout must not be negative (0 means no limit)")
		return 2
	}
	opts := sipgate.Options{BaseURL: *baseURL, Timeout: *timeout}
	if *timeout == 0 {
		opts.Timeout = sipgate.NoTimeout
	}
	client := env.Client
	if client == nil {
		client = sipgate.NewClient(nil)
	}
	p := prompter{env: env}

	// Ask first, then send: Ctrl-C aborts the call only once it is sent.
	var lookup func(context.Context) (*sipgate.Result, error)
	if *token {
		tok, err := p.secret("SIPGATE_TOKEN", "Access token: ")
		if err != nil {
			return fail(env, *asJSON, err)
		}
		lookup = func(ctx context.Context) (*sipgate.Result, error) { return client.AccountWithToken(ctx, tok, opts) }
	} else {
		u, err := p.value(*user, "SIPGATE_USERNAME", "Username (e-mail or token ID): ")
		if err != nil {
			return fail(env, *asJSON, err)
		}
		pass, err := p.secret("SIPGATE_PASSWORD", "Password or token: ")
		if err != nil {
			return fail(env, *asJSON, err)
		}
		lookup = func(ctx context.Context) (*sipgate.Result, error) { return client.Account(ctx, u, pass, opts) }
	}
	ctx, stop := interruptible(ctx)
	defer stop()
	res, err := lookup(ctx)
	if err != nil {
		return fail(env, *asJSON, err)
	}
	return report(env, *asJSON, res)
}

// interruptible makes Ctrl-C abort the call (ABORTED) instead of killing
// the program mid-request. It starts after the prompts, where Ctrl-C
// should still simply end the program.
func interruptible(ctx context.Context) (context.Context, context.CancelFunc) {
	return signal.NotifyContext(ctx, os.Interrupt)
}

// jsonResult is the object the JavaScript API resolves with.
type jsonResult struct {
	OK         bool            `json:"ok"`
	Status     int             `json:"status"`
	StatusText string          `json:"statusText"`
	Body       string          `json:"body"`
	Account    json.RawMessage `json:"account"`
	Error      *jsonError      `json:"error"`
}

type jsonError struct {
	Code              sipgate.Code `json:"code"`
	Message           string       `json:"message"`
	RetryAfterSeconds *int         `json:"retryAfterSeconds,omitempty"`
}

// report prints a Result: the account or any other HTTP response.
func report(env Env, asJSON bool, res *sipgate.Result) int {
	var problem *jsonError
	if res.Problem != nil {
		problem = &jsonError{Code: res.Problem.Code, Message: message(res.Problem, nil)}
		if wait, ok := res.Problem.RetryAfterSeconds(); ok {
			problem.RetryAfterSeconds = &wait
		}
	}
	if asJSON {
		account := json.RawMessage("null")
		if res.OK {
			account = res.Account
		}
		b, _ := json.Marshal(jsonResult{res.OK, res.Status, res.StatusText, res.Body, account, problem})
		fmt.Fprintf(env.Stdout, "%s\n", escapeJSONControls(b))
	} else {
		fmt.Fprintf(env.Stdout, "Status: %d\nBody: %s\n", res.Status, Printable(res.Body))
	}
	if res.OK {
		return 0
	}
	if !asJSON {
		fmt.Fprintf(env.Stderr, "sipgate-account: %s (%s)\n", Printable(problem.Message), problem.Code)
	}
	return ExitCode(problem.Code)
}

// Printable makes text from the network safe to print on a terminal: a
// control character could otherwise set the window title, clear the screen
// or write the clipboard (OSC 52), and a format character (a bidi override)
// reorder what is shown. Each one is shown escaped as \xHH, \uHHHH or
// \UHHHHHHHH; newline and tab stay, as do all printable characters. Bytes
// that are not UTF-8 are shown as \xHH too.
func Printable(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r <= 0x9f: // C1 controls: CSI, OSC and more on some terminals
			fmt.Fprintf(&b, `\u%04x`, r)
		case unicode.Is(unicode.Cf, r):
			// Format characters, the bidi controls among them: a U+202E
			// right-to-left override makes the text after it read backwards.
			if r > 0xffff {
				fmt.Fprintf(&b, `\U%08x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// escapeJSONControls escapes what encoding/json leaves raw and a terminal
// may still act on: DEL, the C1 controls and the format characters (bidi
// controls). In JSON text they can only stand inside strings, where the
// escape means the same character (a surrogate pair beyond U+FFFF).
func escapeJSONControls(b []byte) string {
	var out strings.Builder
	for _, r := range string(b) {
		switch {
		case r == 0x7f || (r >= 0x80 && r <= 0x9f) || (unicode.Is(unicode.Cf, r) && r <= 0xffff):
			fmt.Fprintf(&out, `\u%04x`, r)
		case unicode.Is(unicode.Cf, r):
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(&out, `\u%04x\u%04x`, hi, lo)
		default:
			out.WriteRune(r)
		}
	}
	return out.String()
}

// fail prints a call that got no response, as the browser module rejects.
func fail(env Env, asJSON bool, err error) int {
	code, msg := sipgate.CodeInternal, err.Error()
	var se *sipgate.Error
	if errors.As(err, &se) {
		code, msg = se.Code, message(&se.Problem, se.Err)
	}
	if asJSON {
		b, _ := json.Marshal(map[string]string{"name": "SipgateError", "code": string(code), "message": msg})
		fmt.Fprintf(env.Stderr, "%s\n", escapeJSONControls(b))
	} else {
		fmt.Fprintf(env.Stderr, "sipgate-account: %s (%s)\n", Printable(msg), code)
	}
	return ExitCode(code)
}

// prompter takes each value from a flag, the environment or the terminal,
// in that order.
type prompter struct {
	env   Env
	lines *bufio.Reader
}

func (p *prompter) value(flagValue, variable, prompt string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if v := p.env.Getenv(variable); v != "" {
		return v, nil
	}
	if !p.env.Terminal {
		return "", missing(variable)
	}
	fmt.Fprint(p.env.Stderr, prompt)
	if p.lines == nil {
		p.lines = bufio.NewReader(p.env.Stdin)
	}
	line, err := p.lines.ReadString('\n')
	if err != nil && line == "" {
		return "", sipgate.Invalid("", fmt.Sprintf("no input for %s: %v", variable, err))
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func (p *prompter) secret(variable, prompt string) (string, error) {
	if v := p.env.Getenv(variable); v != "" {
		return v, nil
	}
	if !p.env.Terminal || p.env.ReadSecret == nil {
		return "", missing(variable)
	}
	v, err := p.env.ReadSecret(prompt)
	if err != nil {
		return "", sipgate.Invalid("", fmt.Sprintf("no input for %s: %v", variable, err))
	}
	return v, nil
}

func missing(variable string) error {
	how := map[string]string{
		"SIPGATE_USERNAME": "pass -u or set SIPGATE_USERNAME",
		"SIPGATE_PASSWORD": "set SIPGATE_PASSWORD",
		"SIPGATE_TOKEN":    "set SIPGATE_TOKEN",
	}[variable]
	return sipgate.Invalid("", fmt.Sprintf("%s is not set and there is no terminal to ask on: %s", variable, how))
}
