//go:build e2e

package e2e

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/testkit/miniflare"
)

// TestWorkerRateLimitBinding: with Cloudflare's Rate Limiting binding
// bound (in miniflare, Cloudflare's simulator, which implements it), the
// Worker counts /v2/account there, by the client address it uses: a
// client over the binding's limit gets 429 with Retry-After, another
// client does not; a request the proxy refuses itself is not counted. The
// isolate's own limit (PROXY_LIMIT, set far higher
// here) would have let every request through, so the 429 is the binding's.
func TestWorkerRateLimitBinding(t *testing.T) {
	api := httptest.NewServer(fakeapi.Handler(fakeapi.Config{NoCORS: true}))
	defer api.Close()
	const limit = 3
	w, err := miniflare.Start(t.Context(), miniflare.Config{Root: "..", RateLimit: limit, Vars: map[string]string{
		"UPSTREAM": api.URL, "PROXY_LIMIT": "1000", "TRUST_CLIENT_IP_HEADER": "CF-Connecting-IP",
	}})
	if err != nil {
		t.Fatalf("the Worker cannot run in miniflare: %v", err)
	}
	defer func() {
		w.Stop()
		if t.Failed() {
			t.Logf("miniflare printed:\n%s", w.Log())
		}
	}()
	lookup := func(client string) *http.Response {
		req, _ := http.NewRequest("GET", w.URL+"/v2/account", nil)
		req.SetBasicAuth(fakeapi.DemoUser, fakeapi.DemoPassword)
		req.Header.Set("CF-Connecting-IP", client)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	// What the proxy refuses itself (a path it does not forward) is not
	// counted, as in the isolate's own limit.
	for i := 0; i < 2*limit; i++ {
		req, _ := http.NewRequest("GET", w.URL+"/v2/elsewhere", nil)
		req.Header.Set("CF-Connecting-IP", "192.0.2.1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Fatalf("/v2/elsewhere: %d, want 404", resp.StatusCode)
		}
	}
	var statuses []int
	for i := 0; i <= limit; i++ {
		statuses = append(statuses, lookup("192.0.2.1").StatusCode)
	}
	if fmt.Sprint(statuses) != "[200 200 200 429]" {
		t.Errorf("%d lookups from one client: %v, want the last refused by the binding", limit+1, statuses)
	}
	if resp := lookup("192.0.2.1"); resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "60" {
		t.Errorf("over the limit: %d Retry-After %q, want 429 with Retry-After 60", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if resp := lookup("198.51.100.7"); resp.StatusCode != 200 {
		t.Errorf("another client: %d, want 200", resp.StatusCode)
	}
}
