// sipgate-signin.js: "Sign in with sipgate" for a page whose own origin
// runs the sign-in (cmd/serve -proxy or the edge Worker with a client set
// up; docs/embedding.md). signIn() opens the origin's /oauth/start in a
// popup, where the visitor signs in at sipgate and allows the access; the
// popup's last page posts the access token back to this window, on this
// origin only, and this window closes it. The server keeps the visitor's
// session (the refresh token, in a cookie no script reads): signedIn()
// says whether there is one, accessToken() gets a fresh access token from
// it without a popup while it lasts, and signOut() ends it. The access token stays in memory: this module never
// stores, logs or puts it into a URL.

import { SipgateSignInError } from "./sipgate-account-errors.js";
import { pageOrigin, resolve as resolveURL } from "./sipgate-account-urls.js";

/** The codes signIn(), accessToken() and signOut() reject with. The
 *  server's (DENIED, STATE, REFUSED, UNREACHABLE, SIGNED_OUT) are
 *  internal/signin's; a test holds the lists together. */
export const SIGN_IN_ERROR_CODES = Object.freeze([
  "POPUP_BLOCKED", // the browser opened no window (call signIn() from a click)
  "CLOSED", // the window closed before the sign-in finished
  "ABORTED", // options.signal aborted it
  "DENIED", // the visitor chose Deny at sipgate
  "STATE", // the answer is not the one this browser's sign-in waits for
  "REFUSED", // the login server refused (a bad, replayed or misdirected code; a wrong client)
  "UNREACHABLE", // the login server did not answer, or not with a token
  "BAD_INPUT", // startURL is not on this page's origin, where the answer can reach it
  "SIGNED_OUT", // no session (any more) in this browser: sign in again
  "NO_SIGN_IN", // this site offers no sign-in (nothing answers /oauth/ here)
  "RATE_LIMITED", // the site allows only so many sign-in requests a minute: try again in a minute
]);

/** A failed sign-in: code is one of SIGN_IN_ERROR_CODES (the class is the error module's). */
export { SipgateSignInError };

const MESSAGE_TYPE = "sipgate-signin";

// The popup's last page waits for this window to close it, so a window
// closed before its message came was closed by the visitor. A message
// posted just before that still gets this long to arrive.
const CLOSE_GRACE_MS = 500;

/**
 * Opens the sign-in in a popup and resolves with the access token:
 * { accessToken, expiresIn (seconds; 0 when the server did not say),
 * scope }. Call it from a click (a browser blocks a popup otherwise).
 * Options: startURL (default "/oauth/start", on this origin), signal.
 */
export function signIn({ startURL = "/oauth/start", signal } = {}) {
  return new Promise((resolve, reject) => {
    let start;
    try {
      start = resolveURL(startURL);
    } catch {
      start = null;
    }
    if (start?.origin !== pageOrigin()) {
      reject(new SipgateSignInError("BAD_INPUT", `startURL must be on this page's origin (${pageOrigin()}): the sign-in answers this origin only`));
      return;
    }
    if (signal?.aborted) {
      reject(new SipgateSignInError("ABORTED", "the sign-in was aborted"));
      return;
    }
    const popup = window.open(start.href, "_blank", "popup,width=480,height=640");
    if (!popup) {
      reject(new SipgateSignInError("POPUP_BLOCKED", "the browser blocked the sign-in window: start the sign-in from a click, or allow popups for this site"));
      return;
    }
    let closedAt = 0;
    const finish = (fn, value) => {
      removeEventListener("message", onMessage);
      clearInterval(watch);
      signal?.removeEventListener("abort", onAbort);
      fn(value);
    };
    const onMessage = (event) => {
      // Only the popup this call opened, on this origin, is listened to.
      if (event.source !== popup || event.origin !== pageOrigin() || event.data?.type !== MESSAGE_TYPE) return;
      const m = event.data;
      popup.close();
      if (m.ok && typeof m.accessToken === "string" && m.accessToken !== "") {
        finish(resolve, keep(m));
      } else {
        const code = SIGN_IN_ERROR_CODES.includes(m.code) ? m.code : "REFUSED";
        finish(reject, new SipgateSignInError(code, `sign-in failed: ${m.message || code}`));
      }
    };
    const onAbort = () => {
      popup.close();
      finish(reject, new SipgateSignInError("ABORTED", "the sign-in was aborted"));
    };
    const watch = setInterval(() => {
      if (!popup.closed) return;
      closedAt ||= Date.now();
      if (Date.now() - closedAt >= CLOSE_GRACE_MS) {
        finish(reject, new SipgateSignInError("CLOSED", "the sign-in window was closed before the sign-in finished"));
      }
    }, 100);
    addEventListener("message", onMessage);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

// The session's endpoints on this origin, and the header that tells the
// server a request comes from this origin's own page (a page on another
// origin cannot send it without a preflight the server never allows).
const SESSION_URL = "/oauth/session";
const TOKEN_URL = "/oauth/token";
const SIGN_OUT_URL = "/oauth/signout";
const REQUEST_HEADER = "Sipgate-Session";

// A token is used again while at least this much of its life is left;
// then a fresh one is asked for.
const MARGIN_MS = 30_000;

// The access token in this module's memory: {accessToken, expiresIn,
// scope, until (Date.now() of its expiry; 0: unknown)}.
let current = null;
// The refresh this tab has in flight, which every caller shares.
let refreshing = null;

function keep(m) {
  const expiresIn = Number(m.expiresIn) || 0;
  current = { accessToken: m.accessToken, expiresIn, scope: String(m.scope ?? ""), until: expiresIn ? Date.now() + expiresIn * 1000 : 0 };
  return { accessToken: current.accessToken, expiresIn, scope: current.scope };
}

// fresh says whether the token in memory may still be used: one whose
// lifetime is unknown is not.
function fresh(t) {
  return t !== null && t.until - Date.now() >= MARGIN_MS;
}

/**
 * Resolves with whether this browser has a session with the site (from a
 * sign-in here, kept by the server), without asking sipgate: a page asks
 * it on load to show "Sign out" or "Sign in". Rejects with NO_SIGN_IN
 * where the site offers no sign-in.
 */
export async function signedIn({ signal } = {}) {
  const answer = await request("GET", SESSION_URL, signal);
  if (!answer.signedIn) current = null;
  return answer.signedIn === true;
}

/**
 * Resolves with a valid access token ({accessToken, expiresIn, scope}):
 * the one in memory while it has life left, else a fresh one from the
 * visitor's session, else (signIn: true, the default) from a sign-in in a
 * popup, which needs a click. Options: signIn, fresh (ask the session even
 * if the token in memory looks valid: the API refused it), startURL,
 * signal. Rejects with SIGNED_OUT where there is no session and signIn is
 * false, NO_SIGN_IN where the site offers none.
 */
export async function accessToken({ signIn: interactive = true, fresh: force = false, startURL, signal } = {}) {
  if (!force && fresh(current)) return { accessToken: current.accessToken, expiresIn: Math.round((current.until - Date.now()) / 1000), scope: current.scope };
  try {
    return await abortable(refresh(), signal);
  } catch (err) {
    if (err.code !== "SIGNED_OUT" || !interactive) throw err;
    return signIn({ startURL, signal });
  }
}

// refresh asks the session for a fresh token. Tabs of this origin take
// turns (Web Locks): the server rotates the refresh token, and a second
// tab's request must carry the cookie the first one's answer set. The
// callers of a tab share one request, which no one caller's signal ends.
function refresh() {
  refreshing ??= exclusive(() => request("POST", TOKEN_URL)).then(keep, (err) => {
    if (err.code === "SIGNED_OUT") current = null;
    throw err;
  }).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/**
 * Runs call(accessToken) with a valid access token (accessToken()'s
 * options), and once more with a fresh one if the API refused the first
 * (a result with status 401: the token expired early or was revoked).
 * For fetchAccountWithToken: withAccessToken((t) => fetchAccountWithToken(t)).
 */
export async function withAccessToken(call, options = {}) {
  const first = await accessToken(options);
  const result = await call(first.accessToken);
  if (result?.status !== 401) return result;
  const again = await accessToken({ ...options, fresh: true, signIn: false });
  return call(again.accessToken);
}

/**
 * Ends the visitor's session: the server revokes the refresh token at the
 * login server and clears its cookie, and the token in memory is dropped.
 * Resolves with {revoked}: whether the login server confirmed it (the
 * session ends in this browser either way).
 */
export async function signOut({ signal } = {}) {
  current = null;
  const answer = await exclusive(() => request("POST", SIGN_OUT_URL, signal));
  current = null;
  return { revoked: answer.revoked === true, message: String(answer.message ?? "") };
}

// abortable is p, or ABORTED as soon as signal aborts.
function abortable(p, signal) {
  if (!signal) return p;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new SipgateSignInError("ABORTED", "the request was aborted"));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

// exclusive runs fn while no other tab of this origin runs a session
// request (where the browser has Web Locks; each tab alone otherwise).
function exclusive(fn) {
  return globalThis.navigator?.locks ? navigator.locks.request("sipgate-account-session", fn) : fn();
}

// request sends one of the session's requests and reads its JSON answer;
// a refusal rejects with its code.
async function request(method, path, signal) {
  let resp;
  try {
    resp = await fetch(path, { method, headers: { [REQUEST_HEADER]: "1" }, credentials: "same-origin", cache: "no-store", signal });
  } catch (err) {
    if (signal?.aborted) throw new SipgateSignInError("ABORTED", "the request was aborted");
    throw new SipgateSignInError("UNREACHABLE", `this site could not be reached (${err.message})`);
  }
  const type = (resp.headers.get("Content-Type") ?? "").split(";")[0].trim();
  const answer = type === "application/json" ? await resp.json().catch(() => null) : null;
  if (resp.ok && answer) return answer;
  if (resp.status === 404 || resp.status === 405) throw new SipgateSignInError("NO_SIGN_IN", "this site offers no sign-in with sipgate");
  if (resp.status === 429) throw new SipgateSignInError("RATE_LIMITED", "this site allows only so many sign-in requests a minute: try again in a minute");
  const code = SIGN_IN_ERROR_CODES.includes(answer?.code) ? answer.code : "UNREACHABLE";
  throw new SipgateSignInError(code, answer?.message ? String(answer.message) : `this site answered ${resp.status}`);
}
