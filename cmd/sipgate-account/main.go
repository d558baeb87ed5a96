// Command sipgate-account looks up a sipgate account from the terminal, with
// the same Go core as the browser module:
//
//	SIPGATE_USERNAME=token-ABC123 go run ./cmd/sipgate-account
//	Password or token:
//	Status: 200
//	Body: {"company":"…",…}
//
// Run it with -h for the flags; docs/cli.md has the rest.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"

	"golang.org/x/term"

	"sipgate-account/internal/cli"
)

func main() {
	fd := int(os.Stdin.Fd())
	os.Exit(cli.Run(context.Background(), os.Args[1:], cli.Env{
		Stdin:      os.Stdin,
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
		Getenv:     os.Getenv,
		Terminal:   term.IsTerminal(fd),
		ReadSecret: func(prompt string) (string, error) { return readSecret(fd, prompt) },
	}))
}

// readSecret shows prompt and reads a line without echo. The echo goes off
// before the prompt shows; Ctrl-C while it waits gives the terminal its echo
// back before the program ends.
func readSecret(fd int, prompt string) (string, error) {
	if state, err := term.GetState(fd); err == nil {
		interrupt := make(chan os.Signal, 1)
		signal.Notify(interrupt, os.Interrupt)
		done := make(chan struct{})
		defer func() { signal.Stop(interrupt); close(done) }()
		go func() {
			select {
			case <-interrupt:
				term.Restore(fd, state)
				fmt.Fprintln(os.Stderr)
				os.Exit(130)
			case <-done:
			}
		}()
	}
	if restore, err := echoOff(fd); err == nil {
		defer restore()
	}
	fmt.Fprint(os.Stderr, prompt)
	b, err := term.ReadPassword(fd)
	fmt.Fprintln(os.Stderr) // the Enter that was not echoed
	return string(b), err
}
