// Package browser starts the headless Chromium that the browser tests and
// the benchmark drive, and holds the script they inject into pages.
package browser

import (
	"context"
	"errors"
	"os"
	"os/exec"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Path finds Debian's chromium, or the binary named by $CHROMIUM.
func Path() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no chromium on PATH: install Debian's chromium package (make test does so as root) or set $CHROMIUM")
}

// Start launches headless Chromium and returns a context for its first tab.
// New tabs come from chromedp.NewContext on that context. extra adds to or
// overrides the flags (chromedp's defaults turn the popup blocker off, for
// one).
func Start(extra ...chromedp.ExecAllocatorOption) (context.Context, context.CancelFunc, error) {
	path, err := Path()
	if err != nil {
		return nil, nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // runs as root in CI, where the sandbox cannot start
		chromedp.DisableGPU,
		// This machine has no network: keep Chromium from trying.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
	)
	opts = append(opts, extra...)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	cancel := func() { cancelCtx(); cancelAlloc() }
	if err := chromedp.Do(ctx); err != nil { // starts the browser and its first tab
		cancel()
		return nil, nil, err
	}
	return ctx, cancel, nil
}

// Observer runs in a page before the page's own scripts. It only watches:
// it records Content-Security-Policy violations in __cspViolations, and
// __wasmMemoryBytes() tells the size of the Go module's linear memory,
// whether the module runs on the page's thread or in its worker.
const Observer = `
globalThis.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
	__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
let pageMemory;
for (const name of ["instantiate", "instantiateStreaming"]) {
	const original = WebAssembly[name];
	WebAssembly[name] = async (...args) => {
		const r = await original.apply(WebAssembly, args);
		pageMemory = r.instance.exports.mem;
		return r;
	};
}
const workers = [];
globalThis.Worker = class extends Worker {
	constructor(...args) {
		super(...args);
		workers.push(this);
	}
};
globalThis.__wasmMemoryBytes = async () => {
	if (pageMemory) return pageMemory.buffer.byteLength;
	for (const w of workers) {
		const bytes = await new Promise((resolve) => {
			const answer = (e) => {
				if (e.data && e.data.type === "stats") {
					w.removeEventListener("message", answer);
					resolve(e.data.memoryBytes);
				}
			};
			w.addEventListener("message", answer);
			w.postMessage({ type: "stats" });
		});
		if (bytes) return bytes;
	}
	return 0;
};`

// Observe is an action that installs Observer for every page the tab loads
// from now on.
func Observe() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument,
			page.AddScriptToEvaluateOnNewDocumentParams{Source: Observer})
		return err
	})
}
