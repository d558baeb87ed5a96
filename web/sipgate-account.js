// sipgate-account.js: the loader, for any page, with one import.
//
//   import { load } from "sipgate-account";            (npm, with a bundler)
//   import { load } from "https://your.host/sipgate-account.js";
//   const { fetchAccount, fetchAccountWithToken } = await load();
//
// load() finds wasm_exec.js and sipgate-account.wasm beside this file, and
// starts one Go instance per page however often it is called, from however
// many copies of this file. It has no side effects on import; the
// <sipgate-account> element is sipgate-account-element.js.
//
// Nothing here sees a password except to pass it on to fetchAccount; nothing
// is stored.

// The files beside this one, in the literal form bundlers recognize
// (Vite and webpack emit each as an asset and rewrite the URL); as plain
// files on any host they resolve beside this file.
const defaultWasmURL = () => new URL("./sipgate-account.wasm", import.meta.url);
const defaultWasmExecURL = () => new URL("./wasm_exec.js", import.meta.url);

// One instance per page: the running start lives on globalThis under a
// registered symbol, so that two copies of this file (two URLs, two
// versions) share it.
const INSTANCE = Symbol.for("sipgate-account.instance");

/** Why load() failed: which file, and what to do about it. */
export class SipgateLoadError extends Error {
  constructor(message, url, options) {
    super(message, options);
    this.name = "SipgateLoadError";
    this.url = String(url);
  }
}

/**
 * Loads the module once per page.
 * @param {{wasmURL?: string|URL, wasmExecURL?: string|URL}} [options]
 *   Where the files are; relative URLs are taken relative to where the
 *   files are by default, beside this file.
 *   A later call with other files than the running module's is refused.
 * @returns {Promise<{fetchAccount: Function, fetchAccountWithToken: Function}>}
 */
export function load(options) {
  let files;
  try {
    files = resolveFiles(options);
  } catch (err) {
    return Promise.reject(err);
  }
  const existing = globalThis[INSTANCE];
  if (existing) {
    const clash = clashWith(existing, files);
    return clash ? Promise.reject(clash) : existing.started;
  }
  if (running()) {
    // Loaded with plain script tags: it runs, from files load() cannot see.
    if (files.given) {
      return Promise.reject(new SipgateLoadError(
        "the module already runs on this page (started with script tags), so load() cannot start it from " +
          `${files.wasm}: call load() without options`, files.wasm));
    }
    return Promise.resolve(api());
  }
  const instance = { ...files, started: start(files) };
  globalThis[INSTANCE] = instance;
  // A failed load leaves nothing running, so a later call may try again
  // (after the page fixed a URL, say).
  instance.started.catch(() => {
    if (globalThis[INSTANCE] === instance) delete globalThis[INSTANCE];
  });
  return instance.started;
}

// resolveFiles turns load()'s options into the two file URLs; givenWasm
// and givenExec say which of them the caller named.
function resolveFiles(options) {
  if (options !== undefined && options !== null && typeof options !== "object") {
    throw new TypeError(`load() takes an options object, not ${typeof options}`);
  }
  const { wasmURL, wasmExecURL } = options ?? {};
  const givenWasm = wasmURL !== undefined, givenExec = wasmExecURL !== undefined;
  // A relative URL is taken relative to where the file is by default
  // (beside this file, or where the bundler put it): written with
  // import.meta.url itself, a bundler would take it for a file to emit.
  const wasm = defaultWasmURL(), wasmExec = defaultWasmExecURL();
  return {
    wasm: givenWasm ? new URL(wasmURL, wasm) : wasm,
    wasmExec: givenExec ? new URL(wasmExecURL, wasmExec) : wasmExec,
    givenWasm, givenExec, given: givenWasm || givenExec,
  };
}

// clashWith says why a load() that names other files than the running
// module's cannot be served: one Go instance per page, started from the
// first call's files. Options are never dropped silently.
function clashWith(existing, files) {
  for (const [name, given, want, have] of [
    ["wasmURL", files.givenWasm, files.wasm, existing.wasm],
    ["wasmExecURL", files.givenExec, files.wasmExec, existing.wasmExec],
  ]) {
    if (given && want.href !== have.href) {
      return new SipgateLoadError(
        `the module already runs on this page from ${have} (an earlier load() or a <sipgate-account> element started it), ` +
          `so load() cannot start it from ${want} (${name}): there is one Go instance per page. ` +
          "Give every load() and element the same file URLs, or none.", want);
    }
  }
  return null;
}

function api() {
  return {
    fetchAccount: globalThis.fetchAccount,
    fetchAccountWithToken: globalThis.fetchAccountWithToken,
  };
}

function running() {
  return typeof globalThis.fetchAccount === "function" && typeof globalThis.fetchAccountWithToken === "function";
}

async function start({ wasm, wasmExec, givenWasm, givenExec }) {
  performance.mark("sipgate-load");
  const violations = watchPolicy();
  try {
    // The download starts at once, while wasm_exec.js loads.
    const response = fetch(wasm).catch((err) => fetchFailed(wasm, givenWasm, violations, err));
    response.catch(() => {}); // reported below, in order
    await goRuntime(wasmExec, givenExec, violations);
    const resp = await response;
    if (!resp.ok) {
      throw new SipgateLoadError(`${wasm} could not be fetched: HTTP ${resp.status} ${resp.statusText}`.trim() + "." +
        whereItLooked(givenWasm, "wasmURL"), wasm);
    }
    const type = (resp.headers.get("Content-Type") ?? "").split(";")[0].trim().toLowerCase();
    if (type !== "application/wasm") {
      const notThere = type === "text/html"
        ? " A page came back instead of the file: most likely the file is not there and the server answered with its fallback page." +
          whereItLooked(givenWasm, "wasmURL")
        : " Configure the server to send .wasm as application/wasm (see docs/deploying.md).";
      throw new SipgateLoadError(`${wasm} is served as "${type || "no type"}", not application/wasm.${notThere}`, wasm);
    }
    const go = new globalThis.Go();
    let instance;
    try {
      ({ instance } = await WebAssembly.instantiateStreaming(resp, go.importObject));
    } catch (err) {
      const csp = /Content Security Policy|wasm-unsafe-eval|unsafe-eval/i.test(String(err && err.message))
        ? " This page's Content-Security-Policy forbids WebAssembly: add 'wasm-unsafe-eval' to its script-src."
        : " Check that wasm_exec.js and the .wasm come from the same build.";
      throw new SipgateLoadError(`${wasm} could not be compiled: ${err && err.message}.${csp}`, wasm, { cause: err });
    }
    performance.mark("sipgate-compiled");
    // run() settles only if the Go program exits, which it never should.
    go.run(instance).then(() => console.error("sipgate-account: the module stopped; reload the page"));
    if (!running()) {
      throw new SipgateLoadError(`${wasm} started but did not install fetchAccount: is it the sipgate-account module?`, wasm);
    }
    performance.mark("sipgate-ready");
    return api();
  } finally {
    violations.stop();
  }
}

// whereItLooked explains a file that is not where load() looked: beside
// this file unless the page said otherwise, which a bundler or a server
// may not have kept.
function whereItLooked(given, option) {
  return given
    ? ` Check the URL given as ${option}.`
    : " load() looked for it beside sipgate-account.js (where a bundler that understands " +
      "new URL(\"./…\", import.meta.url) puts it too); if your bundler or server puts the files elsewhere, " +
      "pass their URLs as load({ wasmURL, wasmExecURL }).";
}

// watchPolicy collects this page's Content-Security-Policy violations while
// the module loads, so that a fetch or script the policy blocked is told
// apart from one the network or the files' server failed.
function watchPolicy() {
  const seen = [];
  const record = (e) => seen.push({ uri: e.blockedURI, directive: e.effectiveDirective || e.violatedDirective });
  const target = typeof document === "undefined" ? globalThis : document;
  target.addEventListener?.("securitypolicyviolation", record);
  return {
    blocked(url) {
      return seen.find((v) => v.uri && (url.href === v.uri || url.href.startsWith(v.uri) || v.uri === url.origin));
    },
    stop() {
      target.removeEventListener?.("securitypolicyviolation", record);
    },
  };
}

// A violation event is queued as a task of its own; this lets it arrive
// before the decision.
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

// fetchFailed words a fetch of the .wasm that got no response: blocked by
// this page's policy, refused by the files' server for want of CORS, or
// not reached at all.
async function fetchFailed(wasm, given, violations, err) {
  await nextTask();
  const v = violations.blocked(wasm);
  if (v) {
    return Promise.reject(new SipgateLoadError(
      `${wasm} could not be fetched: this page's Content-Security-Policy blocks it (${v.directive}). ` +
        `Add ${wasm.origin} to the policy's connect-src.`, wasm, { cause: err }));
  }
  if (await reachable(wasm)) {
    return Promise.reject(new SipgateLoadError(
      `${wasm} could not be fetched: its server answers, but does not allow this page's origin ` +
        `(it must send Access-Control-Allow-Origin). See docs/embedding.md.`, wasm, { cause: err }));
  }
  return Promise.reject(new SipgateLoadError(
    `${wasm} could not be fetched: a network error (offline, or nothing answers at ${wasm.origin}).` +
      whereItLooked(given, "wasmURL"), wasm, { cause: err }));
}

// reachable asks the server without CORS (an opaque answer), which tells a
// server that answers but withholds CORS from one that cannot be reached.
// The download is cut off as soon as the answer arrives.
async function reachable(url) {
  const controller = new AbortController();
  try {
    await fetch(url, { mode: "no-cors", cache: "no-store", signal: controller.signal });
    return true;
  } catch {
    return false;
  } finally {
    controller.abort();
  }
}

// goRuntime makes sure Go's wasm_exec.js has run (it defines globalThis.Go),
// adding it as a classic script when the page has not.
function goRuntime(url, given, violations) {
  if (typeof globalThis.Go === "function") return Promise.resolve();
  if (typeof document === "undefined") {
    return Promise.reject(new SipgateLoadError(`load() needs a page (a document) to add ${url}; in a worker, importScripts it first`, url));
  }
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url.href;
    script.async = true;
    script.onload = () => {
      if (typeof globalThis.Go === "function") resolve();
      else {
        reject(new SipgateLoadError(`${url} loaded but did not define Go: it is not Go's wasm_exec.js ` +
          "(a server that answers a missing file with a page gives this too)." + whereItLooked(given, "wasmExecURL"), url));
      }
    };
    script.onerror = async () => {
      await nextTask();
      const v = violations.blocked(url);
      reject(new SipgateLoadError(v
        ? `${url} could not be loaded: this page's Content-Security-Policy blocks it (${v.directive}). Add ${url.origin} to the policy's script-src.`
        : `${url} could not be loaded (missing, or a network error).` + whereItLooked(given, "wasmExecURL"), url));
    };
    document.head.append(script);
  });
}
