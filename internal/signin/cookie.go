package signin

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The cookie keeps state and the PKCE verifier between start and callback.
// It is signed with a key that only this server holds, so a callback whose
// cookie this server did not make is refused before the token call, which
// spends the client's secret at the login server. The key is derived from
// the client secret, which every instance of a deployment (each isolate
// of the edge Worker among them) already holds; changing the secret ends
// the sign-ins under way, which last 10 minutes at most.
//
// Its name is __Host-sipgate_signin wherever it is Secure: no page on a
// sibling subdomain can set a cookie of that name for this host. On plain
// http to a loopback host (make demo), where a browser keeps no Secure
// cookie, it is sipgate_signin.
const cookieBase = "sipgate_signin"

// cookieInfo sets the derived key apart from any other use of the secret.
const cookieInfo = "sipgate-account sign-in cookie v1"

// A sign-in must come back within cookieLifetime of its start.
const cookieLifetime = 10 * time.Minute

func cookieName(secure bool) string {
	if secure {
		return "__Host-" + cookieBase
	}
	return cookieBase
}

// sealer signs and checks the cookie's value.
type sealer struct{ key []byte }

func newSealer(clientSecret string) sealer {
	key, err := hkdf.Key(sha256.New, []byte(clientSecret), nil, cookieInfo, 32)
	if err != nil {
		panic(err) // only for a key length SHA-256 cannot give
	}
	return sealer{key}
}

// seal is the cookie's value: state, verifier, the time of the start in
// Unix seconds, and their HMAC, joined by dots (none of the parts holds
// one: state is base32, the verifier base64url, the MAC base64url).
func (s sealer) seal(state, verifier string, issued time.Time) string {
	payload := state + "." + verifier + "." + strconv.FormatInt(issued.Unix(), 10)
	return payload + "." + base64.RawURLEncoding.EncodeToString(s.mac(payload))
}

// open checks a value from a cookie: made by this server, for a sign-in
// started within cookieLifetime before now.
func (s sealer) open(value string, now time.Time) (state, verifier string, ok bool) {
	i := strings.LastIndexByte(value, '.')
	if i < 0 {
		return "", "", false
	}
	payload, sum := value[:i], value[i+1:]
	got, err := base64.RawURLEncoding.DecodeString(sum)
	if err != nil || !hmac.Equal(got, s.mac(payload)) {
		return "", "", false
	}
	parts := strings.Split(payload, ".")
	if len(parts) != 3 {
		return "", "", false
	}
	at, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return "", "", false
	}
	if age := now.Sub(time.Unix(at, 0)); age > cookieLifetime || age < -time.Minute {
		return "", "", false
	}
	return parts[0], parts[1], parts[0] != "" && parts[1] != ""
}

func (s sealer) mac(payload string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// cookie is the flow's cookie for the whole origin (a __Host- cookie must
// be): HttpOnly, SameSite=Lax (sent on the login server's redirect back, a
// top-level navigation, and on nothing a page on another site starts),
// Secure unless the callback is plain http on a loopback host. An empty
// value clears it.
func (f *Flow) cookie(r *http.Request, value string) string {
	secure := f.secureCookie(r)
	c := &http.Cookie{Name: cookieName(secure), Value: value, Path: "/", MaxAge: int(cookieLifetime.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure}
	if value == "" {
		c.MaxAge = -1
	}
	return c.String()
}
