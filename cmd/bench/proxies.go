package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"sipgate-account/internal/apiproxy"
	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/testkit/workerd"
	"sipgate-account/sipgate"
)

// What the same-origin proxies add to a call, what the Worker costs
// workerd in CPU, and cmd/serve's proxy throughput.

// proxies times sequential GETs of /v2/account from a native client: the
// fake API direct, through cmd/serve -proxy's handler, through the Worker
// in workerd and through a plain-JavaScript Worker (plainWorker, the entry
// that stands in for edge/worker.mjs), in interleaved blocks. Then it
// reads each workerd's CPU time over a run of requests.
func proxies(ctx context.Context, p *Proxy, plainWorker string) error {
	api := httptest.NewServer(fakeapi.Handler(fakeapi.Config{NoCORS: true}))
	defer api.Close()
	proxy, err := apiproxy.New(apiproxy.Config{Upstream: api.URL, Limit: 1 << 30})
	if err != nil {
		return err
	}
	serve := httptest.NewServer(proxy)
	defer serve.Close()
	worker, err := workerd.Start(ctx, workerd.Config{Root: ".", Upstream: api.URL, Limit: 1 << 30})
	if err != nil {
		return err
	}
	defer worker.Stop()
	plain, err := workerd.Start(ctx, workerd.Config{Root: ".", Upstream: api.URL, Entry: plainWorker})
	if err != nil {
		return err
	}
	defer plain.Stop()

	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(base string) (float64, error) {
		req, _ := http.NewRequest("GET", base+"/v2/account", nil)
		req.SetBasicAuth(fakeapi.DemoUser, fakeapi.DemoPassword)
		t0 := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return 0, fmt.Errorf("%s: HTTP %d", base, resp.StatusCode)
		}
		return float64(time.Since(t0).Microseconds()) / 1000, err
	}
	bases := []string{api.URL, serve.URL, worker.URL, plain.URL}
	times := make([][]float64, len(bases))
	const block = 20
	for round := -1; len(times[0]) < p.Calls; round++ {
		for i, base := range bases {
			for j := 0; j < block; j++ {
				ms, err := get(base)
				if err != nil {
					return err
				}
				if round >= 0 { // the first round warms up
					times[i] = append(times[i], ms)
				}
			}
		}
	}
	p.DirectMs, p.ServeMs, p.WorkerMs, p.PlainWorkerMs = median(times[0]), median(times[1]), median(times[2]), median(times[3])

	cpu := func(w *workerd.Worker) (float64, error) {
		before, err := cpuTime(w.PID())
		if err != nil {
			return 0, err
		}
		for i := 0; i < p.Calls; i++ {
			if _, err := get(w.URL); err != nil {
				return 0, err
			}
		}
		after, err := cpuTime(w.PID())
		return float64((after - before).Microseconds()) / 1000 / float64(p.Calls), err
	}
	if p.WorkerCPUMs, err = cpu(worker); err != nil {
		return err
	}
	p.PlainWorkerCPUMs, err = cpu(plain)
	return err
}

// cpuTime is a process's user and system time so far (Linux: /proc).
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The fields after the command name, which is in parentheses.
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const tick = 10 * time.Millisecond // USER_HZ is 100 on Linux
	return time.Duration(utime+stime) * tick, nil
}

// throughput measures cmd/serve's proxy in front of the fake API, all over
// loopback, with 8 keep-alive connections: once with every request from one
// client, once with each request from a new one, so that the rate limit's
// store holds (and past its bound, evicts) that many clients. The limit
// itself is set too high to refuse anything. The client comes from a
// header, as on Cloudflare, since loopback has one address.
func throughput(p *Proxy) error {
	api := httptest.NewServer(fakeapi.Handler(fakeapi.Config{NoCORS: true}))
	defer api.Close()
	const conns = 8
	measure := func(clientOf func(i int) string) (float64, error) {
		proxy, err := apiproxy.New(apiproxy.Config{Upstream: api.URL, Limit: 1 << 30,
			ClientIP: func(r *http.Request) string { return r.Header.Get("X-Client") }})
		if err != nil {
			return 0, err
		}
		srv := httptest.NewServer(proxy)
		defer srv.Close()
		client := &http.Client{Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: conns}}
		defer client.CloseIdleConnections()
		auth := sipgate.BasicAuth(fakeapi.DemoUser, fakeapi.DemoPassword)
		var next atomic.Int64
		errc := make(chan error, conns)
		t0 := time.Now()
		for c := 0; c < conns; c++ {
			go func() {
				for {
					i := int(next.Add(1)) - 1
					if i >= p.Clients {
						errc <- nil
						return
					}
					req, _ := http.NewRequest("GET", srv.URL+"/v2/account", nil)
					req.Header.Set("Authorization", auth)
					req.Header.Set("X-Client", clientOf(i))
					resp, err := client.Do(req)
					if err != nil {
						errc <- err
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						errc <- fmt.Errorf("request %d: HTTP %d", i, resp.StatusCode)
						return
					}
				}
			}()
		}
		for c := 0; c < conns; c++ {
			if err := <-errc; err != nil {
				return 0, err
			}
		}
		return float64(p.Clients) / time.Since(t0).Seconds(), nil
	}
	var err error
	if p.ThroughputOne, err = measure(func(int) string { return "192.0.2.1" }); err != nil {
		return err
	}
	// 10.0.0.0/8 holds 16 million addresses: one each.
	p.ThroughputMany, err = measure(func(i int) string {
		return fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
	})
	return err
}
