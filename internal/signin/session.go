package signin

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"time"
)

// The visitor's session: after a sign-in the server keeps the refresh
// token in a cookie that only it can read (AES-GCM under a key of its
// own), and hands out fresh access tokens from it, so that no server-side
// state is needed (RFC 10017's token-mediating backend). The cookie is
// HttpOnly and SameSite=Strict: no script reads it, and no request that a
// page on another site starts carries it. It lives as long as the refresh
// token does (refresh_expires_in), at most maxSession.
//
// Its name is __Host-sipgate_session wherever it is Secure, and
// sipgate_session on plain http to a loopback host (make demo).
const sessionBase = "sipgate_session"

// sessionInfo sets the cookie's key apart from any other use of the
// secret it is derived from.
const sessionInfo = "sipgate-account session cookie v1"

// maxSession bounds a session whose login server names no end (0: an
// offline token), and any other.
const maxSession = 30 * 24 * time.Hour

// maxCookie is the most a browser keeps of one cookie, name and value.
const maxCookie = 4000

// MinSessionKey is the shortest SessionKey New takes.
const MinSessionKey = 32

// box seals and opens the session cookie's value.
type box struct{ aead cipher.AEAD }

// newBox derives the cookie's key from the session key, or, where none
// is set, from the client secret. A new key (or secret) ends every
// session: cookies sealed under the one before are refused.
func newBox(sessionKey, clientSecret string) box {
	secret := sessionKey
	if secret == "" {
		secret = clientSecret
	}
	key, err := hkdf.Key(sha256.New, []byte(secret), nil, sessionInfo, 32)
	if err != nil {
		panic(err) // only for a key length SHA-256 cannot give
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return box{aead}
}

// sealed is what the cookie holds.
type sealed struct {
	RefreshToken string `json:"rt"`
	Expires      int64  `json:"exp"` // Unix seconds
}

// seal is the cookie's value: nonce and ciphertext, base64url. The
// cookie's name is the additional data, so a value moved to another
// cookie is refused.
func (b box) seal(s sealed) string {
	plain, _ := json.Marshal(s)
	nonce := make([]byte, b.aead.NonceSize())
	rand.Read(nonce)
	return base64.RawURLEncoding.EncodeToString(b.aead.Seal(nonce, nonce, plain, []byte(sessionBase)))
}

// Why a session cookie is refused: a log line and the page's message name
// it. None of them holds the cookie's value.
var (
	errNoSession  = errors.New("no session in this browser: sign in")
	errNotOurs    = errors.New("this browser's session was not sealed under this server's key (the key changed, or the cookie was altered): sign in again")
	errSessionEnd = errors.New("this browser's session has ended: sign in again")
)

// open checks a cookie's value: sealed here, under this key, unexpired.
func (b box) open(value string, now time.Time) (sealed, error) {
	raw, err := base64.RawURLEncoding.DecodeString(value)
	if err != nil || len(raw) < b.aead.NonceSize() {
		return sealed{}, errNotOurs
	}
	n := b.aead.NonceSize()
	plain, err := b.aead.Open(nil, raw[:n], raw[n:], []byte(sessionBase))
	if err != nil {
		return sealed{}, errNotOurs
	}
	var s sealed
	if json.Unmarshal(plain, &s) != nil || s.RefreshToken == "" {
		return sealed{}, errNotOurs
	}
	if !now.Before(time.Unix(s.Expires, 0)) {
		return sealed{}, errSessionEnd
	}
	return s, nil
}

func sessionName(secure bool) string {
	if secure {
		return "__Host-" + sessionBase
	}
	return sessionBase
}

// session reads the request's session.
func (f *Flow) session(r *http.Request) (sealed, error) {
	c, err := r.Cookie(sessionName(f.secureCookie(r)))
	if err != nil || c.Value == "" {
		return sealed{}, errNoSession
	}
	return f.box.open(c.Value, f.cfg.Now())
}

// sessionCookie keeps refreshToken for lifetime seconds (0: the login
// server named no end); "" clears the cookie. It returns "" when the
// sealed token would not fit in a cookie.
func (f *Flow) sessionCookie(r *http.Request, refreshToken string, lifetime int64) string {
	secure := f.secureCookie(r)
	c := &http.Cookie{Name: sessionName(secure), Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secure, MaxAge: -1}
	if refreshToken != "" {
		life := time.Duration(lifetime) * time.Second
		if life <= 0 || life > maxSession {
			life = maxSession
		}
		c.Value = f.box.seal(sealed{RefreshToken: refreshToken, Expires: f.cfg.Now().Add(life).Unix()})
		c.MaxAge = int(life.Seconds())
		if len(c.Name)+len(c.Value) > maxCookie {
			f.cfg.Logf("sign-in: the refresh token is too long for a cookie (%d bytes): no session kept", len(refreshToken))
			return ""
		}
	}
	return c.String()
}
