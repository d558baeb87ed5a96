package signin

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"

	"sipgate-account/internal/exchange"
)

// message is what the callback page posts to the window that opened it.
type message struct {
	Type        string `json:"type"`
	OK          bool   `json:"ok"`
	AccessToken string `json:"accessToken,omitempty"`
	ExpiresIn   int64  `json:"expiresIn,omitempty"`
	Scope       string `json:"scope,omitempty"`
	Code        string `json:"code,omitempty"`
	Message     string `json:"message,omitempty"`
}

// MessageType marks the callback page's message, so that a page tells it
// from any other.
const MessageType = "sipgate-signin"

// pageScript is the callback page's one script, allowed by its hash: it
// takes the code out of the address bar and posts the outcome to the
// opener, on this origin only (an opener on another origin gets nothing).
// The opener closes the window once the message is there, so that a
// window closed before its message arrived always means the visitor
// closed it; should no page take the message, the window closes itself
// after a while. Opened without a popup, it says what happened instead.
const pageScript = `history.replaceState(null, "", location.pathname);
const m = JSON.parse(document.getElementById("outcome").textContent);
const status = document.getElementById("status");
if (window.opener) {
  window.opener.postMessage(m, location.origin);
  status.textContent = "Signing in… this window closes by itself.";
  setTimeout(() => window.close(), 10000);
} else {
  status.textContent = m.ok ? "You are signed in. You can close this window." : "Sign-in failed: " + m.message;
}
`

// PageCSP is the callback page's policy: its one script, nothing else.
var PageCSP = func() string {
	sum := sha256.Sum256([]byte(pageScript))
	return "default-src 'none'; script-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
}()

// page is the callback's answer. Its data sits in a JSON block, which no
// browser runs (json.Marshal escapes <, > and &, so no text in it ends the
// block); the sign-in's cookie is cleared whatever the outcome, and
// setCookie (the session's, after a sign-in) set if it is not empty.
func (f *Flow) page(r *http.Request, m message, setCookie ...string) *exchange.Answer {
	m.Type = MessageType
	data, _ := json.Marshal(m)
	var b bytes.Buffer
	b.WriteString(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in with sipgate</title></head><body>`)
	b.WriteString(`<p id="status">Signing in…</p><script type="application/json" id="outcome">`)
	b.Write(data)
	b.WriteString(`</script><script>` + pageScript + `</script></body></html>`)
	h := http.Header{
		"Content-Type":            {"text/html; charset=utf-8"},
		"Content-Security-Policy": {PageCSP},
		"Cache-Control":           {"no-store"},
		"Referrer-Policy":         {"no-referrer"},
		"Content-Length":          {strconv.Itoa(b.Len())},
	}
	h.Add("Set-Cookie", f.cookie(r, ""))
	for _, c := range setCookie {
		if c != "" {
			h.Add("Set-Cookie", c)
		}
	}
	return &exchange.Answer{Status: http.StatusOK, Header: h, Body: b.Bytes()}
}
