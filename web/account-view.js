// account-view.js: what a lookup returned, as DOM nodes, for the page
// (app.js) and the element alike. API data reaches the DOM as text only
// (textContent), never as HTML; a logo is shown only from an https URL.

/** A new element with a class and text content. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// The account's fields as sipgate's published definition documents them,
// every one optional; other fields stay in the raw body.
const HISTORY = { NONE: "none", THIRTY_DAYS: "30 days", UNLIMITED: "unlimited" };

function productType(v) {
  if (typeof v !== "string" || v === "") return undefined;
  return v.startsWith("FORMER_") ? `${v.slice("FORMER_".length)} (former)` : v;
}

/** A card with the company, product type, verification, call history and logo. */
function accountCard(account) {
  const card = el("div", "account");
  if (typeof account.logoUrl === "string" && isHTTPS(account.logoUrl)) {
    const logo = el("img", "logo");
    logo.src = account.logoUrl;
    logo.alt = "";
    logo.referrerPolicy = "no-referrer";
    card.append(logo);
  }
  const rows = [
    ["Company", typeof account.company === "string" ? account.company : undefined],
    ["Product type", productType(account.mainProductType)],
    ["Verified", typeof account.verified === "boolean" ? (account.verified ? "yes" : "no") : undefined],
    ["Call history kept", typeof account.historyLifeTime === "string"
      ? HISTORY[account.historyLifeTime] ?? account.historyLifeTime : undefined],
  ].filter(([, value]) => value !== undefined && value !== "");
  if (rows.length === 0) {
    card.append(el("p", "empty", "The API sent the account without any of its details."));
    return card;
  }
  const list = el("dl");
  for (const [label, value] of rows) list.append(el("dt", "", label), el("dd", "", value));
  card.append(list);
  return card;
}

function isHTTPS(raw) {
  try {
    return new URL(raw).protocol === "https:";
  } catch {
    return false;
  }
}

/**
 * What the API itself said about a failure, from its body: an `errors`
 * array (how sipgate's endpoints answer errors), a `message`, or a short
 * plain text (a 403 "This endpoint requires ..."); "" when it said nothing
 * of use.
 */
function apiSays(result) {
  const body = (result.body || "").trim();
  if (body === "") return "";
  let said = "";
  try {
    const data = JSON.parse(body);
    if (data && Array.isArray(data.errors)) {
      said = data.errors.map((e) => e && (e.detail || e.title)).filter((s) => typeof s === "string").join("; ");
    } else if (data && typeof data.message === "string") {
      said = data.message;
    }
  } catch {
    if (!body.startsWith("<") && body.length <= 300) said = body;
  }
  said = said.trim();
  return said === result.statusText ? "" : said.slice(0, 300);
}

/** What went wrong: the message, the API's own words when it gave some, the code. */
function problemView(message, code, said = "") {
  const nodes = [el("p", "message error", message)];
  if (said) nodes.push(el("p", "api-says", `The API says: ${said}`));
  nodes.push(el("p", "code", `Error code: ${code}`));
  return nodes;
}

/** A result (any status): the account card, or what went wrong. */
export function resultView(r) {
  return r.ok ? [accountCard(r.account)] : problemView(r.error.message, r.error.code, apiSays(r));
}

/** A rejection (SipgateError or SipgateLoadError), or anything thrown. */
export function errorView(err) {
  const message = err && err.message ? err.message : String(err);
  return problemView(message, err && (err.code || err.name) ? err.code || err.name : "UNKNOWN");
}

/** The sign-out's outcome, as signOut() resolved: {revoked, message}. */
export function signedOutView({ revoked, message }) {
  return el("p", "", revoked ? "You are signed out." : `You are signed out in this browser; ${message}.`);
}

/**
 * What a visitor is told while a lookup waits for the module, with how
 * much of it has arrived (the loader's sipgate-account-progress event):
 * null before anything has.
 */
export function progressText(progress) {
  if (!progress || !(progress.received > 0)) return "The module is still loading; your lookup runs as soon as it is ready…";
  const mb = (n) => (n / 1e6).toFixed(1) + " MB";
  const of = progress.total > 0 ? ` of ${mb(progress.total)}` : "";
  return `The module is still loading: ${mb(progress.received)}${of} arrived so far (unpacked); your lookup runs as soon as it is ready…`;
}

/**
 * Calls show with the module's download progress, a second after a
 * lookup started waiting for it and then as it grows, until stop is
 * called: a quick start shows nothing of it.
 */
export function whileLoading(show) {
  let latest = null;
  let shown = false;
  const onProgress = (e) => {
    latest = e.detail;
    if (shown) show(progressText(latest));
  };
  globalThis.addEventListener("sipgate-account-progress", onProgress);
  const timer = setTimeout(() => {
    shown = true;
    show(progressText(latest));
  }, 1000);
  return () => {
    clearTimeout(timer);
    globalThis.removeEventListener("sipgate-account-progress", onProgress);
  };
}
