// sipgate-account-urls.js: the URL rules of the browser side, once each.
// The loader, the element and the sign-in decide "the page's origin" and
// show URLs only through these functions.

/**
 * The page's own origin: the document's (or a worker's) location, which
 * nothing in the page's markup can move. An injected <base href> changes
 * document.baseURI, never this.
 */
export function pageOrigin() {
  return globalThis.location?.origin ?? "null";
}

/**
 * Resolves a URL the page's script or markup gave, relative to base when
 * given, else to the page's own address (location.href, not
 * document.baseURI: an injected <base> must not decide where code comes
 * from). Throws a TypeError for what is no URL.
 */
export function resolve(value, base) {
  return new URL(value instanceof URL ? value.href : String(value), base ?? globalThis.location?.href);
}

/** Whether url (a URL) is on the page's own origin. */
export function onPageOrigin(url) {
  return url.origin !== "null" && url.origin === pageOrigin();
}

/**
 * A URL as messages show it: without its query and fragment, which may
 * carry what a page would not show (a token).
 */
export function shown(url) {
  if (url === null || url === undefined) return String(url);
  try {
    const u = url instanceof URL ? url : new URL(String(url));
    return u.origin === "null" ? u.protocol + u.pathname : u.origin + u.pathname;
  } catch {
    return String(url).split(/[?#]/)[0];
  }
}
