//go:build e2e

package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// framedURL opens a page of another site that frames target, and returns
// what the frame shows: target's URL when it was allowed to load, an error
// page when the browser refused.
func framedURL(t *testing.T, target string) string {
	t.Helper()
	tab, log := newTab(t)
	if err := chromedp.Do(tab,
		chromedp.Navigate(embedderURL+"/frame.html?src="+url.QueryEscape(target)),
		chromedp.WaitVisible(chromedp.CSS(`iframe[data-loaded]`)),
	); err != nil {
		t.Fatalf("the framing page did not load: %v\n%s", err, log.text())
	}
	var tree *page.FrameTree
	err := chromedp.Do(tab, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, page.GetFrameTree, cdp.Empty{})
		tree = res.FrameTree
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	if len(tree.ChildFrames) != 1 {
		t.Fatalf("the framing page has %d frames", len(tree.ChildFrames))
	}
	return tree.ChildFrames[0].Frame.URL
}

// TestOtherSitesCannotFrameThePage: a page on another origin frames the
// password form, as a clickjacking page would; the browser refuses to show
// it (Content-Security-Policy frame-ancestors 'none') from every host.
func TestOtherSitesCannotFrameThePage(t *testing.T) {
	// The check itself: a page that allows framing shows in the frame.
	if got, want := framedURL(t, embedderURL+"/blank.html"), embedderURL+"/blank.html"; got != want {
		t.Fatalf("a page that may be framed shows as %q, want %q", got, want)
	}
	blocked := func(t *testing.T, target string) {
		if got := framedURL(t, target); got == target || !strings.HasPrefix(got, "chrome-error:") {
			t.Errorf("another site framed %s: the frame shows %q", target, got)
		}
	}
	t.Run("cmd/serve", func(t *testing.T) { blocked(t, pageURL) })
	t.Run("cmd/serve -proxy", func(t *testing.T) { blocked(t, serveProxy(t, newUpstreamAPI(t).URL).URL+"/") })
	t.Run("Worker", func(t *testing.T) { blocked(t, startWorker(t, newUpstreamAPI(t)).URL+"/") })
}
