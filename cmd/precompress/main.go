// Command precompress writes a brotli (quality 11) and a gzip (level 9)
// copy beside each file it is given, FILE.br and FILE.gz, which servers
// send to browsers that accept them (cmd/serve, and the recipes in
// deploy/). make build runs it, so that building needs nothing but Go.
//
//	precompress FILE...
//
// Each copy is written to a temporary file and renamed, so a server never
// sends half a copy; its time stamp is its original's or later, which is
// how cmd/serve tells a current copy from a stale one. The files are
// compressed in parallel, one per core.
package main

import (
	"cmp"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"github.com/andybalholm/brotli"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "precompress:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("precompress", flag.ContinueOnError)
	flags.SetOutput(stdout)
	flags.Usage = func() { fmt.Fprintln(stdout, "usage: precompress FILE...") }
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	type job struct {
		file  string
		coder coder
	}
	jobs := make(chan job)
	errs := make(chan error, 2*flags.NArg())
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Go(func() {
			for j := range jobs {
				if err := compress(j.file, j.coder); err != nil {
					errs <- err
				}
			}
		})
	}
	// The largest files first, so that the longest job starts at once.
	files := flags.Args()
	sizes := map[string]int64{}
	for _, f := range files {
		info, err := os.Stat(f)
		if err != nil {
			close(jobs)
			wg.Wait()
			return err
		}
		sizes[f] = info.Size()
	}
	slices.SortFunc(files, func(a, b string) int { return cmp.Compare(sizes[b], sizes[a]) })
	for _, f := range files {
		for _, c := range coders {
			if ctx.Err() != nil {
				break
			}
			jobs <- job{f, c}
		}
	}
	close(jobs)
	wg.Wait()
	close(errs)
	return errors.Join(collect(errs)...)
}

// coder is one kind of copy: its file name's extension and its writer.
type coder struct {
	ext       string
	newWriter func(io.Writer) io.WriteCloser
}

var coders = []coder{
	{".br", func(w io.Writer) io.WriteCloser {
		// brotli -q 11 with the largest window (the brotli tool's choice
		// for a large file): the module is 9 MB.
		return brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: 24})
	}},
	{".gz", func(w io.Writer) io.WriteCloser {
		zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression) // a valid level: no error
		return zw
	}},
}

// compress writes file's copy for c, through a temporary file in the same
// folder.
func compress(file string, c coder) error {
	in, err := os.Open(file)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(file), filepath.Base(file)+c.ext+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	w := c.newWriter(tmp)
	_, err = io.Copy(w, in)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file+c.ext)
	}
	if err != nil {
		return fmt.Errorf("%s%s: %w", file, c.ext, err)
	}
	return nil
}

func collect(errs <-chan error) []error {
	var all []error
	for err := range errs {
		all = append(all, err)
	}
	return all
}
