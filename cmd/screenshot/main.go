// Command screenshot redraws docs/screenshot.png, the picture of the page
// in the README: the built page served with the fake API, the demo login
// typed and submitted in headless Chromium, the answer captured.
//
//	make screenshot    (or: go run ./cmd/screenshot [-web web] [-out docs/screenshot.png])
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/demo"
	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/testkit/browser"
	"sipgate-account/internal/webserver"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "screenshot:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	flags := flag.NewFlagSet("screenshot", flag.ContinueOnError)
	web := flags.String("web", "web", "the built web root")
	out := flags.String("out", filepath.Join("docs", "screenshot.png"), "where to write the PNG")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(*web, webserver.WasmFile)); err != nil {
		return fmt.Errorf("%s is not built: run `make build`", webserver.WasmFile)
	}
	// The page as make demo shows it, sign-in button included.
	srv := httptest.NewUnstartedServer(nil)
	defer srv.Close()
	cfg, err := demo.Site(*web, demo.Options{SignInOrigin: "http://" + srv.Listener.Addr().String()})
	if err != nil {
		return err
	}
	site, err := webserver.New(cfg)
	if err != nil {
		return err
	}
	srv.Config.Handler = site
	srv.Start()

	chromium, cancel, err := browser.Start()
	if err != nil {
		return err
	}
	defer cancel()
	tab, closeTab := chromedp.NewContext(chromium)
	defer closeTab()
	tab, stop := context.WithTimeout(tab, time.Minute)
	defer stop()
	png, err := chromedp.Run(tab, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		err := chromedp.Do(ctx,
			chromedp.EmulateViewport(760, 900),
			chromedp.Navigate(srv.URL+"/"),
			chromedp.WaitVisible(chromedp.CSS(`html[data-ready="true"]`)),
			chromedp.SendKeys(chromedp.CSS(`#username`), fakeapi.DemoUser),
			chromedp.SendKeys(chromedp.CSS(`#password`), fakeapi.DemoPassword),
			chromedp.Click(chromedp.CSS(`#submit`)),
			chromedp.WaitVisible(chromedp.CSS(`#result[data-state="done"] .account`)),
		)
		if err != nil {
			return nil, err
		}
		return chromedp.Screenshot(chromedp.CSS(`main`))(ctx, t)
	})
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, png, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", *out, len(png))
	return nil
}
