package fakeapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
)

// client reads the client's credentials (HTTP Basic, as RFC 6749 section
// 2.3.1 encodes them, or client_id and client_secret in the form) and
// answers a client it does not know, or a wrong secret, as Keycloak does.
// l.mu is held.
func (l *Login) client(w http.ResponseWriter, r *http.Request) (id string, ok bool) {
	id, secret, basic := r.BasicAuth()
	if basic {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	want, known := l.clients[id]
	switch {
	case !known:
		tokenError(w, http.StatusUnauthorized, "invalid_client", "Client not found")
		return "", false
	case subtle.ConstantTimeCompare([]byte(secret), []byte(want)) != 1:
		tokenError(w, http.StatusUnauthorized, "unauthorized_client", "Invalid client secret")
		return "", false
	}
	return id, true
}

// authenticated serves h, with l.mu held, for a form whose client
// authenticated.
func (l *Login) authenticated(h func(w http.ResponseWriter, r *http.Request, id string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		l.mu.Lock()
		defer l.mu.Unlock()
		if id, ok := l.client(w, r); ok {
			h(w, r, id)
		}
	}
}

// token is the token endpoint: a code's redemption, or a refresh.
func (l *Login) token(w http.ResponseWriter, r *http.Request, id string) {
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		l.redeem(w, r, id)
	case "refresh_token":
		l.refreshGrant(w, r, id)
	default:
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "Unsupported grant_type")
	}
}

// redeem redeems a code: unused, unexpired and issued to this client, the
// redirect URI the exact one of the auth request, and the verifier the
// challenge's. It starts a session.
func (l *Login) redeem(w http.ResponseWriter, r *http.Request, id string) {
	g, ok := l.codes[r.PostForm.Get("code")]
	switch {
	case !ok:
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Code not valid")
		return
	case g.used:
		// A replayed code also revokes what it gave the first time (RFC
		// 6749 section 4.1.2).
		for _, t := range g.tokens {
			delete(l.tokens, t)
		}
		if g.session != nil {
			l.end(g.session)
		}
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Code already used")
		return
	}
	g.used = true
	verifier := r.PostForm.Get("code_verifier")
	sum := sha256.Sum256([]byte(verifier))
	switch {
	case !l.clock().Before(g.expires):
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Code is expired")
	case g.client != id:
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Code was issued to another client")
	case r.PostForm.Get("redirect_uri") != g.redirect:
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Incorrect redirect_uri")
	case verifier == "":
		tokenError(w, http.StatusBadRequest, "invalid_grant", "PKCE code verifier not specified")
	case base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		tokenError(w, http.StatusBadRequest, "invalid_grant", "PKCE verification failed: Code mismatch")
	default:
		g.session = &session{client: id, scope: g.scope}
		access := l.issue(w, g.session)
		g.tokens = append(g.tokens, access)
		l.issued++
	}
}

// refreshGrant gives a fresh access token for the session's current
// refresh token, and rotates it. Refusals are worded as Keycloak's.
func (l *Login) refreshGrant(w http.ResponseWriter, r *http.Request, id string) {
	rt := r.PostForm.Get("refresh_token")
	s, ok := l.refresh[rt]
	switch {
	case !ok:
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Invalid refresh token")
	case s.client != id:
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Invalid refresh token. Token client and authorized client don't match")
	case s.ended:
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Session not active")
	case !l.clock().Before(s.expires):
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Token is not active")
	case rt != s.current:
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Maximum allowed refresh token reuse exceeded")
	default:
		l.issue(w, s)
		l.refreshed++
	}
}

// issue answers a new access token and a new refresh token for s, which
// becomes its only valid one, and returns the access token.
func (l *Login) issue(w http.ResponseWriter, s *session) string {
	now := l.clock()
	access, rt := "fake-at-"+random(), "fake-rt-"+random()
	l.tokens[access] = now.Add(l.access)
	s.access = append(s.access, access)
	s.current, s.expires = rt, now.Add(l.idle)
	l.refresh[rt] = s
	b, _ := json.Marshal(map[string]any{
		"access_token": access, "expires_in": int(l.access.Seconds()),
		"refresh_token": rt, "refresh_expires_in": int(l.idle.Seconds()),
		"token_type": "Bearer", "not-before-policy": 0, "session_state": random(), "scope": s.scope,
	})
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, string(b))
	return access
}

// end ends a session: its refresh tokens and access tokens are refused
// from now on.
func (l *Login) end(s *session) {
	s.ended = true
	for _, t := range s.access {
		delete(l.tokens, t)
	}
}

// revoke is the revocation endpoint (RFC 7009): a refresh token ends its
// session, an access token ends itself. Any other token is answered 200
// all the same, as the RFC asks.
func (l *Login) revoke(w http.ResponseWriter, r *http.Request, id string) {
	t := r.PostForm.Get("token")
	if t == "" {
		tokenError(w, http.StatusBadRequest, "invalid_request", "Token not provided")
		return
	}
	if s, ok := l.refresh[t]; ok && s.client == id && !s.ended {
		l.end(s)
		l.revoked++
	}
	delete(l.tokens, t)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
}

func tokenError(w http.ResponseWriter, status int, code, description string) {
	b, _ := json.Marshal(map[string]string{"error": code, "error_description": description})
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, status, string(b))
}
