// sipgate-signin.js: "Sign in with sipgate" for a page whose own origin
// runs the sign-in (cmd/serve -proxy or the edge Worker with a client set
// up; docs/embedding.md). signIn() opens the origin's /oauth/start in a
// popup, where the visitor signs in at sipgate and allows the access; the
// popup's last page posts the access token back to this window, on this
// origin only, and this window closes it. The token stays in memory: this module never
// stores, logs or puts it into a URL.

import { SipgateSignInError } from "./sipgate-account-errors.js";
import { pageOrigin, resolve as resolveURL } from "./sipgate-account-urls.js";

/** The codes signIn() rejects with. The server's (DENIED, STATE, REFUSED,
 *  UNREACHABLE) are internal/signin's; a test holds the lists together. */
export const SIGN_IN_ERROR_CODES = Object.freeze([
  "POPUP_BLOCKED", // the browser opened no window (call signIn() from a click)
  "CLOSED", // the window closed before the sign-in finished
  "ABORTED", // options.signal aborted it
  "DENIED", // the visitor chose Deny at sipgate
  "STATE", // the answer is not the one this browser's sign-in waits for
  "REFUSED", // the login server refused (a bad, replayed or misdirected code; a wrong client)
  "UNREACHABLE", // the login server did not answer, or not with a token
  "BAD_INPUT", // startURL is not on this page's origin, where the answer can reach it
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
        finish(resolve, { accessToken: m.accessToken, expiresIn: Number(m.expiresIn) || 0, scope: String(m.scope ?? "") });
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
