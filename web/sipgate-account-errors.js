// sipgate-account-errors.js: the error classes of the browser side, and
// the words for a failed start. Every error a page gets from the loader,
// the element or the sign-in is an instance of one of these classes,
// whichever thread it came from, so that a page tests it with instanceof.
//
// Each class lives once per page, on globalThis under a registered symbol:
// two copies of these files (two URLs, two versions, a bundle and a CDN
// copy) hand out the same class, and the Go module, where it runs on the
// page, builds its rejections from it too.

import { shown } from "./sipgate-account-urls.js";

function shared(name, make) {
  const key = Symbol.for(`sipgate-account.${name}`);
  if (typeof globalThis[key] !== "function") globalThis[key] = make();
  return globalThis[key];
}

/**
 * A call that got no HTTP response: code is INVALID_ARGUMENT, NETWORK,
 * TIMEOUT, ABORTED or INTERNAL; a TIMEOUT carries timeoutMs, the limit
 * that fired.
 */
export const SipgateError = shared("SipgateError", () => class SipgateError extends Error {
  constructor(message, { code = "INTERNAL", timeoutMs, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "SipgateError";
    this.code = code;
    if (typeof timeoutMs === "number") this.timeoutMs = timeoutMs;
  }
});

/**
 * Why load() failed: which file (url, without its query and fragment),
 * and what to do about it. code is "INTEGRITY" when a file's bytes are not
 * the ones the page pinned, or could not be checked; "LOAD_FAILED" otherwise.
 */
export const SipgateLoadError = shared("SipgateLoadError", () => class SipgateLoadError extends Error {
  constructor(message, url, options) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SipgateLoadError";
    this.code = options?.code ?? "LOAD_FAILED";
    this.url = shown(url);
  }
});

/** A failed sign-in (sipgate-signin.js): code is one of its SIGN_IN_ERROR_CODES. */
export const SipgateSignInError = shared("SipgateSignInError", () => class SipgateSignInError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "SipgateSignInError";
    this.code = code;
  }
});

/**
 * A call's rejection as it crossed from the module's thread (its name,
 * message and facts, see the host's errorFacts), as the page's own error.
 */
export function callError(facts) {
  if (facts?.name === "SipgateError") return new SipgateError(String(facts.message), facts);
  const err = new Error(String(facts?.message ?? facts));
  if (typeof facts?.name === "string") err.name = facts.name;
  return err;
}

// ---------------------------------------------------------------------------
// What went wrong in a start, for the page's developer: one wording for
// both threads. files are the loader's resolved files (see load()).

/** A pinned file whose bytes are not the pinned ones. */
export function pinError(url, name, integrity) {
  return new SipgateLoadError(`${shown(url)} (${name}) is not the file this page pinned: its bytes do not match the integrity value ` +
    `${integrity} given to load(). Serve the files of the build that integrity.json comes with, or update the value.`, url, { code: "INTEGRITY" });
}

/** A pin that cannot be checked: refused, never skipped. */
export function uncheckable(url, why) {
  return new SipgateLoadError(`load({ integrity }) cannot check ${shown(url)}: ${why}`, url, { code: "INTEGRITY" });
}

/** describe words the facts of a failed start (from either thread). */
export function describe(f, files) {
  const { named } = files;
  const wasm = shown(files.wasm), wasmExec = shown(files.wasmExec);
  const givenWasm = named.wasm === true, givenExec = named.wasmExec === true;
  switch (f.stage) {
    case "host":
      if (f.violation) {
        return new SipgateLoadError(`${shown(files.worker)} could not be loaded: this page's Content-Security-Policy blocks it (${f.violation.directive}). ` +
          `Add ${files.worker.origin} to the policy's script-src.`, files.worker);
      }
      return new SipgateLoadError(`${shown(files.worker)} could not be fetched` + (f.status ? `: HTTP ${f.status}.` : " (missing, or a network error).") +
        " Serve sipgate-account-host.js beside sipgate-account.js, or name it with load({ workerURL }).", files.worker);
    case "runtime":
      if (f.notGo) {
        return new SipgateLoadError(`${wasmExec} loaded but did not define Go: it is not Go's wasm_exec.js ` +
          "(a server that answers a missing file with a page gives this too)." + whereItLooked(givenExec, "wasmExecURL"), wasmExec);
      }
      if (f.type && !f.type.includes("javascript")) {
        return new SipgateLoadError(`${wasmExec} is served as "${f.type}", not JavaScript.` + (f.type === "text/html"
          ? " A page came back instead of the file: most likely the file is not there and the server answered with its fallback page." +
            whereItLooked(givenExec, "wasmExecURL")
          : " Configure the server to send .js as text/javascript (see docs/deploying.md)."), wasmExec);
      }
      return new SipgateLoadError(f.violation
        ? `${wasmExec} could not be loaded: this page's Content-Security-Policy blocks it (${f.violation.directive}). Add ${files.wasmExec.origin} to the policy's script-src.`
        : `${wasmExec} could not be loaded (missing, not served as JavaScript, not allowed to this page's origin by CORS, or a network error).` + whereItLooked(givenExec, "wasmExecURL"), wasmExec);
    case "fetch":
      if (f.violation) {
        return new SipgateLoadError(`${wasm} could not be fetched: this page's Content-Security-Policy blocks it (${f.violation.directive}). ` +
          `Add ${files.wasm.origin} to the policy's connect-src.`, wasm);
      }
      if (f.reachable) {
        return new SipgateLoadError(`${wasm} could not be fetched: its server answers, but does not allow this page's origin ` +
          "(it must send Access-Control-Allow-Origin). See docs/embedding.md.", wasm);
      }
      return new SipgateLoadError(`${wasm} could not be fetched: a network error (offline, or nothing answers at ${files.wasm.origin}).` +
        whereItLooked(givenWasm, "wasmURL"), wasm);
    case "status":
      return new SipgateLoadError(`${wasm} could not be fetched: HTTP ${f.status} ${f.statusText}`.trim() + "." +
        whereItLooked(givenWasm, "wasmURL"), wasm);
    case "type":
      return new SipgateLoadError(`${wasm} is served as "${f.type || "no type"}", not application/wasm.` + (f.type === "text/html"
        ? " A page came back instead of the file: most likely the file is not there and the server answered with its fallback page." +
          whereItLooked(givenWasm, "wasmURL")
        : " Configure the server to send .wasm as application/wasm (see docs/deploying.md)."), wasm);
    case "compile":
      return new SipgateLoadError(`${wasm} could not be compiled: ${f.error}.` +
        (/Content Security Policy|wasm-unsafe-eval|unsafe-eval/i.test(f.error)
          ? " This page's Content-Security-Policy forbids WebAssembly: add 'wasm-unsafe-eval' to its script-src."
          : " Check that wasm_exec.js and the .wasm come from the same build."), wasm);
  }
  return new SipgateLoadError(`${wasm} started but did not install fetchAccount: is it the sipgate-account module?`, wasm);
}

// whereItLooked explains a file that is not where load() looked: beside
// the loader unless the page said otherwise, which a bundler or a server
// may not have kept.
function whereItLooked(given, option) {
  return given
    ? ` Check the URL given as ${option}.`
    : " load() looked for it beside sipgate-account.js (where a bundler that understands " +
      "new URL(\"./…\", import.meta.url) puts it too); if your bundler or server puts the files elsewhere, " +
      "pass their URLs as load({ wasmURL, wasmExecURL, workerURL }).";
}

/** The console's word when the module runs on the page's thread though a Worker was wanted. */
export function pageThreadWarning(why, files) {
  return "sipgate-account: the module runs on the page's thread, which it blocks while it starts, because its Worker could not start: " +
    why.lines.join("; ") + ". " + (why.policy
      ? "Allow the Worker in this page's Content-Security-Policy: worker-src " + (files.worker ? files.worker.origin : "'self'") + " blob:. "
      : "Serve sipgate-account-host.js beside sipgate-account.js (a bundler that understands new Worker(new URL(\"./…\", import.meta.url)) does), " +
        "or name where it is with load({ workerURL }).") + " load({ worker: false }) chooses the page's thread without this warning.";
}
