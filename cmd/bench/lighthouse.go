package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"sipgate-account/internal/testkit/browser"
)

// Lighthouse (npm, the version make lighthouse pins) on a page, with its
// mobile defaults, in the Chromium the tests use.

// lighthouseReport is the part of Lighthouse's JSON report read here.
type lighthouseReport struct {
	LighthouseVersion string `json:"lighthouseVersion"`
	Categories        map[string]struct {
		Score float64 `json:"score"`
	} `json:"categories"`
	Audits map[string]struct {
		NumericValue float64 `json:"numericValue"`
	} `json:"audits"`
}

// lighthouse runs Lighthouse runs times on url and keeps the median of
// every score and metric.
func lighthouse(ctx context.Context, bin, url, name string, runs int) (LighthouseFigures, error) {
	chrome, err := browser.Path()
	if err != nil {
		return LighthouseFigures{}, err
	}
	dir, err := os.MkdirTemp("", "lighthouse-")
	if err != nil {
		return LighthouseFigures{}, err
	}
	defer os.RemoveAll(dir)
	var perf, a11y, bp, seo, cls, tbt, lcp []float64
	version := ""
	for i := 0; i < runs; i++ {
		out := filepath.Join(dir, fmt.Sprintf("run%d.json", i))
		cmd := exec.CommandContext(ctx, bin, url, "--quiet", "--output=json", "--output-path="+out,
			// The flags the tests start Chromium with, for this machine's closed network.
			"--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-quic --disable-background-networking --disable-component-update --disable-sync")
		cmd.Env = append(os.Environ(), "CHROME_PATH="+chrome)
		if b, err := cmd.CombinedOutput(); err != nil {
			return LighthouseFigures{}, fmt.Errorf("lighthouse %s: %v\n%s", url, err, b)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			return LighthouseFigures{}, err
		}
		var r lighthouseReport
		if err := json.Unmarshal(b, &r); err != nil {
			return LighthouseFigures{}, err
		}
		version = r.LighthouseVersion
		perf = append(perf, r.Categories["performance"].Score)
		a11y = append(a11y, r.Categories["accessibility"].Score)
		bp = append(bp, r.Categories["best-practices"].Score)
		seo = append(seo, r.Categories["seo"].Score)
		cls = append(cls, r.Audits["cumulative-layout-shift"].NumericValue)
		tbt = append(tbt, r.Audits["total-blocking-time"].NumericValue)
		lcp = append(lcp, r.Audits["largest-contentful-paint"].NumericValue)
	}
	return LighthouseFigures{Page: name, Runs: runs, Version: version, Performance: median(perf), Accessibility: median(a11y),
		BestPractices: median(bp), SEO: median(seo), CLS: median(cls), TBTMs: median(tbt), LCPMs: median(lcp)}, nil
}
