// Package demo wires make demo: the fake sipgate API (package fakeapi) and
// its fake login server on the page's own origin, with the demo's
// credentials shown on the page. It is the one place outside the tests
// that imports the fake API, so the package that serves production
// (webserver) holds none of it.
package demo

import (
	"crypto/rand"
	"net/http"

	"sipgate-account/internal/fakeapi"
	"sipgate-account/internal/pageconfig"
	"sipgate-account/internal/signin"
	"sipgate-account/internal/webserver"
)

// Options adjust the demo.
type Options struct {
	// API adjusts the fake API (the tests' redirect target, say).
	API fakeapi.Config
	// SignInOrigin, unless "", turns on "Sign in with sipgate" with the
	// fake login server and the demo client on this origin, which is where
	// the browser and the server itself reach it. The flow keeps even the
	// demo's secret off the network, so it must be on a loopback host.
	SignInOrigin string
	// Logf gets the sign-in's log lines.
	Logf func(format string, args ...any)
	// SignInLimit is the sign-in's requests a minute per client (0:
	// signin.DefaultLimit); tests that make many from one address raise it.
	SignInLimit int
}

// Site returns what make demo serves from dir: the fake API at /v2/ and
// /scenario/, the demo's credentials in config.json, and with
// SignInOrigin the sign-in. signInOff says why sign-in is off when it was
// asked for and cannot be on.
func Site(dir string, o Options) (cfg webserver.Config, signInOff error) {
	cfg = webserver.Config{Dir: dir, Mounts: map[string]http.Handler{}, Demo: &pageconfig.Demo{
		Username: fakeapi.DemoUser, Password: fakeapi.DemoPassword, AccessToken: fakeapi.DemoAccessToken,
	}}
	if o.SignInOrigin != "" {
		// The fake login server forgets its sessions when the demo stops,
		// so the demo's session cookies are sealed under a key of this run:
		// a browser's cookie from an earlier run is no session, rather than
		// one the login server refuses at the first click.
		flow, err := signin.New(signin.Config{ClientID: fakeapi.DemoClientID, ClientSecret: fakeapi.DemoClientSecret,
			LoginServer: o.SignInOrigin, Logf: o.Logf, Limit: o.SignInLimit, SessionKey: rand.Text() + rand.Text()})
		if err == nil {
			o.API.Login, cfg.SignIn = fakeapi.NewLogin(), flow
			cfg.Mounts[fakeapi.LoginPath+"/"] = o.API.Login.Handler()
		}
		signInOff = err
	}
	api := fakeapi.Handler(o.API)
	cfg.API = api
	cfg.Mounts["/scenario/"] = api
	return cfg, signInOff
}
