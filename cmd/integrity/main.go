// Command integrity writes the Subresource Integrity values (SHA-384) of
// the module's files as JSON, keyed by file name, and prints them: what a
// page that embeds the module from another host passes to load({ integrity })
// and to its own <script integrity>, so that it runs only these bytes. make
// build writes web/integrity.json with it, and the npm package ships that.
//
//	integrity -o web/integrity.json FILE...
package main

import (
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "integrity:", err)
		os.Exit(1)
	}
}

func run(_ context.Context, args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("integrity", flag.ContinueOnError)
	flags.SetOutput(stdout)
	out := flags.String("o", "", "where to write the JSON (required)")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *out == "" || flags.NArg() == 0 {
		return errors.New("usage: integrity -o FILE.json FILE...")
	}
	values := map[string]string{}
	for _, file := range flags.Args() {
		v, err := Value(file)
		if err != nil {
			return err
		}
		values[filepath.Base(file)] = v
	}
	b, err := json.MarshalIndent(values, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, append(b, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s (Subresource Integrity):\n%s\n", *out, b)
	return nil
}

// Value is a file's integrity value: "sha384-" and the Base64 of its
// SHA-384 digest.
func Value(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha512.New384()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return "sha384-" + base64.StdEncoding.EncodeToString(h.Sum(nil)), nil
}
