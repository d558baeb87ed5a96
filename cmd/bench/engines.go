package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"sipgate-account/internal/testkit/browser"
)

// Every engine: bench/engines in Chromium, Firefox and WebKit, through the
// launchers the tests use.

type engineReport struct {
	Engine  string  `json:"engine"`
	Run     int     `json:"run"`
	Ready   float64 `json:"ready"`
	Start   float64 `json:"start"`
	Floor   float64 `json:"floor"`
	CallMs  float64 `json:"callMs"`
	PlainMs float64 `json:"plainMs"`
	Final   bool    `json:"final"`
	Error   string  `json:"error"`
}

// engineBench points one engine at bench/engines and collects its reports:
// a ready time per load, and the per-call medians at the end.
func engineBench(chromium context.Context, engine, origin string, loads, calls int, reports <-chan engineReport) (EngineFigures, error) {
	url := fmt.Sprintf("%s/bench/engines/?engine=%s&run=1&runs=%d&calls=%d", origin, engine, loads, calls)
	var stop func()
	if engine == "chromium" {
		tab, cancel := chromedp.NewContext(chromium, chromedp.WithNewBrowserContext())
		if err := chromedp.Do(tab, noNetworkRecording(), chromedp.Navigate(url)); err != nil {
			cancel()
			return EngineFigures{}, err
		}
		stop = cancel
	} else {
		dir, err := os.MkdirTemp("", "bench-"+engine+"-")
		if err != nil {
			return EngineFigures{}, err
		}
		defer os.RemoveAll(dir)
		p, err := browser.Open(browser.Engine(engine), url, dir)
		if err != nil {
			return EngineFigures{}, err
		}
		stop = p.Stop
	}
	defer stop()
	ef := EngineFigures{Engine: engine, Version: engineVersion(engine), Loads: loads}
	var ready, start, floor []float64
	timeout := time.After(5 * time.Minute)
	for {
		select {
		case rep := <-reports:
			if rep.Engine != engine {
				continue
			}
			if rep.Error != "" {
				return ef, errors.New(rep.Error)
			}
			ready, start, floor = append(ready, rep.Ready), append(start, rep.Start), append(floor, rep.Floor)
			if rep.Final {
				ef.ReadyMs, ef.CallMs, ef.PlainCallMs = median(ready), rep.CallMs, rep.PlainMs
				ef.StartMs, ef.FloorStartMs = median(start), median(floor)
				return ef, nil
			}
		case <-timeout:
			return ef, errors.New("no report within 5 minutes")
		}
	}
}

// engineVersion asks the engine's package or binary.
func engineVersion(engine string) string {
	var out []byte
	switch engine {
	case "chromium":
		return browserVersion()
	case "firefox":
		out, _ = exec.Command("firefox-esr", "--version").Output()
	case "webkit":
		out, _ = exec.Command("dpkg-query", "-W", "-f=WebKitGTK ${Version}", "libwebkit2gtk-4.1-0").Output()
	}
	return strings.TrimSpace(strings.TrimPrefix(string(out), "Mozilla "))
}

// browserVersion asks the binary; the user agent string shows only the
// major version.
func browserVersion() string {
	path, err := browser.Path()
	if err != nil {
		return "unknown"
	}
	v, err := exec.Command(path, "--version").Output()
	if err != nil {
		return "unknown"
	}
	fields := strings.Fields(string(v))
	if len(fields) >= 2 {
		return fields[0] + " " + fields[1]
	}
	return strings.TrimSpace(string(v))
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }
