package main

import (
	"strings"
	"testing"
	"time"

	"sipgate-account/sipgate"
)

// The bridge words each problem in the JavaScript contract's terms: the
// options by their JavaScript names, and the remedy a page can apply.
func TestMessagesSpeakJavaScript(t *testing.T) {
	for _, c := range []struct {
		problem sipgate.Problem
		says    []string
	}{
		{sipgate.Problem{Code: sipgate.CodeTimeout, Timeout: &sipgate.TimeoutProblem{After: 5 * time.Second}}, []string{"timeoutMs", "within 5s"}},
		{sipgate.Problem{Code: sipgate.CodeNetwork}, []string{"baseURL", "CORS", "Content-Security-Policy", "connect-src"}},
		{sipgate.Problem{Code: sipgate.CodeNetwork, Network: &sipgate.NetworkProblem{Failure: sipgate.NetworkRedirect}}, []string{"Check baseURL."}},
		{sipgate.Problem{Code: sipgate.CodeAborted}, []string{"AbortSignal"}},
		{sipgate.Problem{Code: sipgate.CodeUnauthorized, Status: 401}, []string{"e-mail address or token ID", "Base64"}},
		{sipgate.Problem{Code: sipgate.CodeUnauthorized, Status: 401, Bearer: true}, []string{"access token", "account:read"}},
		{sipgate.Problem{Code: sipgate.CodeNotFound, Status: 404}, []string{"Check baseURL", sipgate.DefaultBaseURL, "/v2"}},
		{sipgate.Problem{Code: sipgate.CodeMethodNotAllowed, Status: 405}, []string{"Check baseURL"}},
	} {
		got := message(&c.problem)
		for _, want := range c.says {
			if !strings.Contains(got, want) {
				t.Errorf("%s: %q does not say %q", c.problem.Code, got, want)
			}
		}
		for _, shell := range []string{"-timeout", "-base-url", "SIPGATE_"} {
			if strings.Contains(got, shell) {
				t.Errorf("%s: %q speaks of the CLI's %s", c.problem.Code, got, shell)
			}
		}
	}
}

// TestEveryCodeWorded: the bridge has words of its own for every code, so
// a new code in the core cannot reach a page as a bare summary unnoticed.
func TestEveryCodeWorded(t *testing.T) {
	for _, c := range sipgate.Codes() {
		if _, ok := advice(&sipgate.Problem{Code: c}, "summary"); !ok {
			t.Errorf("wasm/messages.go has no words for %s", c)
		}
	}
}
