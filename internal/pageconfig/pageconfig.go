// Package pageconfig is the page's config.json, built in one place for
// every host: web/config.json as shipped (the sipgate API itself), and the
// answer that cmd/serve and the edge Worker give instead when /v2 on the
// page's own origin answers (the proxy, or the demo's fake API).
package pageconfig

import (
	"encoding/json"
	"net/http"

	"sipgate-account/sipgate"
)

// Config is config.json: what web/app.js and web/embed.js read at start.
type Config struct {
	// BaseURL is the module's default API root.
	BaseURL string `json:"baseURL"`
	// SignIn, unless "", is where the page starts "Sign in with sipgate"
	// (package signin's start path), and the page shows its button.
	SignIn string `json:"signIn,omitempty"`
	// Demo, in make demo only, are the fake API's credentials, which the
	// page fills in.
	Demo *Demo `json:"demo,omitempty"`
}

// Demo are the credentials the demo page shows.
type Demo struct {
	Username    string `json:"username"`
	Password    string `json:"password"`
	AccessToken string `json:"accessToken"`
}

// Shipped is web/config.json: the page calls the sipgate API itself.
var Shipped = Config{BaseURL: sipgate.DefaultBaseURL}

// SameOriginBaseURL is the base URL where /v2 on the page's own origin
// answers.
const SameOriginBaseURL = "/v2"

// JSON is the file's content.
func (c Config) JSON() []byte {
	b, err := json.Marshal(c)
	if err != nil {
		panic(err) // strings only
	}
	return b
}

// Handler answers config.json with c, never cached: it changes with the
// host's settings.
func (c Config) Handler() http.Handler {
	b := c.JSON()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(b)
	})
}
