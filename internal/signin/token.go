package signin

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"sipgate-account/internal/exchange"
	"strings"
)

// The login server's token endpoint: the call, as every use of it makes
// it, and what is read of its answer.

// tokenCall is a call to the token endpoint with form, as
// oauth2.Config.Exchange makes it: the client's credentials in HTTP
// Basic, URL-encoded as RFC 6749 section 2.3.1 asks.
func (f *Flow) tokenCall(form url.Values) *exchange.Outgoing {
	h := http.Header{
		"Content-Type":    {"application/x-www-form-urlencoded"},
		"Accept":          {"application/json"},
		"Accept-Encoding": {"identity"},
	}
	h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(f.cfg.ClientID)+":"+url.QueryEscape(f.cfg.ClientSecret))))
	return &exchange.Outgoing{Method: http.MethodPost, URL: f.oauth.Endpoint.TokenURL, Header: h,
		Body: []byte(form.Encode()), Timeout: f.cfg.Timeout, MaxBytes: maxTokenAnswer}
}

// tokenAnswer is what is read of the token endpoint's answer.
type tokenAnswer struct {
	AccessToken      string      `json:"access_token"`
	TokenType        string      `json:"token_type"`
	ExpiresIn        json.Number `json:"expires_in"`
	RefreshToken     string      `json:"refresh_token"`
	RefreshExpiresIn json.Number `json:"refresh_expires_in"`
	Scope            string      `json:"scope"`
	Error            string      `json:"error"`
	ErrorDescription string      `json:"error_description"`
}

// lifetime is the access token's in seconds; 0: unknown, and the page
// treats the token as valid until the API says otherwise.
func (t tokenAnswer) lifetime() int64 {
	n, err := t.ExpiresIn.Int64()
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// refreshLifetime is the refresh token's in seconds; 0: no end named.
func (t tokenAnswer) refreshLifetime() int64 {
	n, err := t.RefreshExpiresIn.Int64()
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// readToken reads the token endpoint's answer: a bearer token, or the
// code and message of what went wrong (t.Error holds the login server's
// OAuth error, if it named one).
func (f *Flow) readToken(status int, header http.Header, body []byte) (t tokenAnswer, code, msg string) {
	if len(body) > maxTokenAnswer {
		f.cfg.Logf("sign-in: the token endpoint's answer is over 64 KiB")
		return tokenAnswer{}, CodeUnreachable, "the login server's answer is too large to be a token"
	}
	ctype, _, _ := mime.ParseMediaType(header.Get("Content-Type"))
	jsonErr := json.Unmarshal(body, &t)
	switch {
	case status >= 400 && t.Error != "":
		f.cfg.Logf("sign-in: the token endpoint refused: %q", t.Error)
		return t, CodeRefused, "the login server refused the sign-in: " + oauthError(t.Error, t.ErrorDescription)
	case status != http.StatusOK || ctype != "application/json" || jsonErr != nil:
		f.cfg.Logf("sign-in: the token endpoint answered %d %q", status, ctype)
		return tokenAnswer{}, CodeUnreachable, fmt.Sprintf("the login server answered %d, not a token", status)
	case t.AccessToken == "" || !strings.EqualFold(t.TokenType, "Bearer"):
		return tokenAnswer{}, CodeUnreachable, "the login server's answer holds no bearer token"
	}
	return t, "", ""
}
