package main

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"sipgate-account/sipgate"
)

// resultText is read by JSON.parse; encoding/json reads JSON alike, so
// each result must come back from it field for field, whatever its texts
// hold.
func TestResultText(t *testing.T) {
	wait := 30 * time.Second
	texts := []string{"", "plain", `quote " and backslash \ and slash /`, "tab\tnewline\ncr\r nul\x00 esc\x1b del\x7f",
		"ümlaut € 𝄞 \u2028\u2029", strings.Repeat("x", 5000), "</script><!--"}
	var results []*sipgate.Result
	for _, s := range texts {
		results = append(results,
			&sipgate.Result{OK: true, Status: 200, StatusText: "OK", Body: " {\"company\":" + jsonQuote(s) + "}\n", Account: []byte(`{"company":` + jsonQuote(s) + `}`)},
			&sipgate.Result{Status: 401, StatusText: s, Body: s, Problem: &sipgate.Problem{Code: sipgate.CodeUnauthorized, Status: 401}},
		)
	}
	results = append(results, &sipgate.Result{Status: 429, StatusText: "Too Many Requests", Body: "{}",
		Problem: &sipgate.Problem{Code: sipgate.CodeRateLimited, Status: 429, RateLimit: &sipgate.RateLimitProblem{RetryAfter: &wait}}})
	for _, r := range results {
		text := resultText(r, func(s string) string { return s })
		var got struct {
			OK         bool            `json:"ok"`
			Status     int             `json:"status"`
			StatusText string          `json:"statusText"`
			Body       string          `json:"body"`
			Account    json.RawMessage `json:"account"`
			Error      *struct {
				Code              string `json:"code"`
				Message           string `json:"message"`
				RetryAfterSeconds *int   `json:"retryAfterSeconds"`
			} `json:"error"`
		}
		if err := json.Unmarshal(text, &got); err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		if got.OK != r.OK || got.Status != r.Status || got.StatusText != r.StatusText || got.Body != r.Body {
			t.Errorf("%s read back as %+v", text, got)
		}
		wantAccount := "null"
		if r.OK {
			wantAccount = string(r.Account)
		}
		if string(got.Account) != wantAccount {
			t.Errorf("account %s, want %s", got.Account, wantAccount)
		}
		if (got.Error == nil) != (r.Problem == nil) {
			t.Fatalf("%s: error %+v for problem %+v", text, got.Error, r.Problem)
		}
		if r.Problem == nil {
			continue
		}
		if got.Error.Code != string(r.Problem.Code) || got.Error.Message != message(r.Problem) {
			t.Errorf("error %+v, want %s: %s", got.Error, r.Problem.Code, message(r.Problem))
		}
		wantWait, has := r.Problem.RetryAfterSeconds()
		if has != (got.Error.RetryAfterSeconds != nil) || has && *got.Error.RetryAfterSeconds != wantWait {
			t.Errorf("retryAfterSeconds %v, want %d (%v)", got.Error.RetryAfterSeconds, wantWait, has)
		}
	}
}

// The result's keys come in the contract's order, the order the object
// built property by property had.
func TestResultTextKeyOrder(t *testing.T) {
	text := string(resultText(&sipgate.Result{OK: true, Status: 200, Account: []byte("{}")}, func(s string) string { return s }))
	last := -1
	for _, key := range []string{`"ok"`, `"status"`, `"statusText"`, `"body"`, `"account"`, `"error"`} {
		i := strings.Index(text, key+":")
		if i < last {
			t.Errorf("%s out of order in %s", key, text)
		}
		last = i
	}
}

func jsonQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// asJS is applied to every text that came from outside: the body, the
// status text and the message.
func TestResultTextAsJS(t *testing.T) {
	var seen []string
	resultText(&sipgate.Result{Status: 500, StatusText: "st", Body: "body", Problem: &sipgate.Problem{Code: sipgate.CodeServerError, Status: 500}},
		func(s string) string { seen = append(seen, s); return s })
	if want := []string{"st", "body", message(&sipgate.Problem{Code: sipgate.CodeServerError, Status: 500})}; !reflect.DeepEqual(seen, want) {
		t.Errorf("asJS saw %q, want %q", seen, want)
	}
}
