package signin

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"sipgate-account/internal/exchange"
)

// The session's endpoints, on the page's origin, for the page's own
// module (web/sipgate-signin.js):
//
//	GET  /oauth/session  {signedIn}: whether this browser has a session
//	                     (a cookie this server sealed, unexpired), without
//	                     asking the login server; a page asks it on load.
//	POST /oauth/token    a fresh access token from the session's refresh
//	                     token; the rotated refresh token, if the login
//	                     server rotates it, goes back into the cookie.
//	POST /oauth/signout  revokes the refresh token at the login server
//	                     (RFC 7009) and clears the cookie, whether or not
//	                     the login server could be reached.
//
// All three refuse a request that a page on another site could make: it must
// carry RequestHeader, which a page on another origin cannot send without
// a CORS preflight that this server never allows, and, where the browser
// says (every current one does), Sec-Fetch-Site must be same-origin.
const (
	SessionPath   = "/oauth/session"
	TokenPath     = "/oauth/token"
	SignOutPath   = "/oauth/signout"
	RequestHeader = "Sipgate-Session"
)

// RevokePath is the login server's revocation endpoint under RealmPath's
// origin (Keycloak's).
const RevokePath = RealmPath + "/revoke"

// fromOwnPage says whether a request to the session's endpoints comes from
// a page of this origin.
func fromOwnPage(r *http.Request) bool {
	if r.Header.Get(RequestHeader) != "1" {
		return false
	}
	site := r.Header.Get("Sec-Fetch-Site")
	return site == "" || site == "same-origin"
}

// sessionState answers whether the request carries a session; a cookie
// that cannot be opened is cleared.
func (f *Flow) sessionState(r *http.Request) *exchange.Answer {
	_, err := f.session(r)
	set := ""
	if err != nil && err != errNoSession {
		set = f.sessionCookie(r, "", 0)
	}
	b, _ := json.Marshal(struct {
		SignedIn bool `json:"signedIn"`
	}{err == nil})
	return jsonAnswer(http.StatusOK, b, set)
}

// refreshCall plans the refresh: the token call with the session's
// refresh token, or the page's SIGNED_OUT at once. A cookie that cannot
// be opened is cleared with the answer.
func (f *Flow) refreshCall(r *http.Request) (*exchange.Answer, *exchange.Outgoing) {
	s, err := f.session(r)
	if err != nil {
		if err != errNoSession {
			f.cfg.Logf("sign-in: a session cookie was refused: %v", err)
		}
		return f.signedOut(r, err.Error(), err != errNoSession), nil
	}
	return nil, f.tokenCall(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {s.RefreshToken}})
}

// signOutCall plans the sign-out: the revocation call, or, with no
// session to revoke, the answer at once.
func (f *Flow) signOutCall(r *http.Request) (*exchange.Answer, *exchange.Outgoing) {
	s, err := f.session(r)
	if err != nil {
		return f.signOutAnswer(r, false, "no session was open in this browser"), nil
	}
	form := url.Values{"token": {s.RefreshToken}, "token_type_hint": {"refresh_token"}}
	out := f.tokenCall(form)
	out.URL = f.revokeURL
	return nil, out
}

// finishRefresh reads the token endpoint's answer to a refresh. A refresh
// token the login server refuses (invalid_grant: expired, revoked,
// rotated away) ends the session; a login server that fails keeps it.
func (f *Flow) finishRefresh(r *http.Request, status int, header http.Header, body []byte) *exchange.Answer {
	t, code, msg := f.readToken(status, header, body)
	switch {
	case code == "" && t.RefreshToken == "":
		return f.tokenJSON(r, t, "")
	case code == "":
		set := f.sessionCookie(r, t.RefreshToken, t.refreshLifetime())
		if set == "" {
			set = f.sessionCookie(r, "", 0)
		}
		return f.tokenJSON(r, t, set)
	case t.Error == "invalid_grant":
		f.cfg.Logf("sign-in: the login server refused the session's refresh token: %q", t.ErrorDescription)
		return f.signedOut(r, "the login server ended this browser's session ("+oauthError(t.Error, t.ErrorDescription)+"): sign in again", true)
	}
	return f.problem(http.StatusBadGateway, code, msg, "")
}

// finishSignOut reads the revocation endpoint's answer: 200 is revoked.
func (f *Flow) finishSignOut(r *http.Request, status int) *exchange.Answer {
	if status == http.StatusOK {
		return f.signOutAnswer(r, true, "")
	}
	f.cfg.Logf("sign-in: the revocation endpoint answered %d", status)
	return f.signOutAnswer(r, false, fmt.Sprintf("the login server answered %d to the revocation: the session ends in this browser, and at sipgate when its refresh token expires", status))
}

// signOutAnswer is the sign-out's answer, which always clears the cookie.
func (f *Flow) signOutAnswer(r *http.Request, revoked bool, msg string) *exchange.Answer {
	b, _ := json.Marshal(struct {
		SignedOut bool   `json:"signedOut"`
		Revoked   bool   `json:"revoked"`
		Message   string `json:"message,omitempty"`
	}{true, revoked, msg})
	return jsonAnswer(http.StatusOK, b, f.sessionCookie(r, "", 0))
}

// tokenJSON is a fresh access token for the page, and setCookie, if any.
func (f *Flow) tokenJSON(r *http.Request, t tokenAnswer, setCookie string) *exchange.Answer {
	b, _ := json.Marshal(struct {
		AccessToken string `json:"accessToken"`
		ExpiresIn   int64  `json:"expiresIn"`
		Scope       string `json:"scope"`
	}{t.AccessToken, t.lifetime(), t.Scope})
	return jsonAnswer(http.StatusOK, b, setCookie)
}

// signedOut is the page's SIGNED_OUT: there is no session (any more);
// clear clears the cookie.
func (f *Flow) signedOut(r *http.Request, msg string, clear bool) *exchange.Answer {
	set := ""
	if clear {
		set = f.sessionCookie(r, "", 0)
	}
	return f.problem(http.StatusUnauthorized, CodeSignedOut, msg, set)
}

// problem is a refusal for the page's module: its code and message.
func (f *Flow) problem(status int, code, msg, setCookie string) *exchange.Answer {
	b, _ := json.Marshal(struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	}{code, msg})
	return jsonAnswer(status, b, setCookie)
}

func jsonAnswer(status int, body []byte, setCookie string) *exchange.Answer {
	h := http.Header{"Content-Type": {"application/json"}, "Cache-Control": {"no-store"}, "Content-Length": {strconv.Itoa(len(body))}}
	if setCookie != "" {
		h.Add("Set-Cookie", setCookie)
	}
	return &exchange.Answer{Status: status, Header: h, Body: body}
}
