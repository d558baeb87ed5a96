// sipgate-account.js: the loader, for any page, with one import.
//
//   import { load } from "sipgate-account";            (npm, with a bundler)
//   import { load } from "https://your.host/sipgate-account.js";
//   const { fetchAccount, fetchAccountWithToken } = await load();
//
// load() finds wasm_exec.js and sipgate-account.wasm beside this file, and
// starts one Go instance per page however often it is called, from however
// many copies of this file. The instance runs in a Web Worker
// (sipgate-account-worker.js), so compiling and starting it never blocks the
// page. Start-up is marked sipgate-load, sipgate-compiled (its detail: the
// module's download, encodedBytes and decodedBytes) and sipgate-ready; fetchAccount and fetchAccountWithToken on the page forward each
// call to it. Where a Worker cannot start (a policy forbids it), the module
// runs on the page's thread instead. It has no side effects on import; the
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
 * @param {{wasmURL?: string|URL, wasmExecURL?: string|URL, worker?: boolean}} [options]
 *   Where the files are; relative URLs are taken relative to where the
 *   files are by default, beside this file. worker: false runs the module
 *   on the page's thread. A later call with other files than the running
 *   module's is refused.
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
  const { wasmURL, wasmExecURL, worker } = options ?? {};
  const givenWasm = wasmURL !== undefined, givenExec = wasmExecURL !== undefined;
  // A relative URL is taken relative to where the file is by default
  // (beside this file, or where the bundler put it): written with
  // import.meta.url itself, a bundler would take it for a file to emit.
  const wasm = defaultWasmURL(), wasmExec = defaultWasmExecURL();
  return {
    wasm: givenWasm ? new URL(wasmURL, wasm) : wasm,
    wasmExec: givenExec ? new URL(wasmExecURL, wasmExec) : wasmExec,
    inWorker: worker !== false,
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

async function start(files) {
  performance.mark("sipgate-load");
  if (files.inWorker && typeof Worker === "function" && typeof document !== "undefined") {
    const worker = await startWorker(files);
    if (worker) return worker;
    // No Worker could start here (a policy forbids it): the page's thread.
  }
  return startHere(files);
}

// ---------------------------------------------------------------------------
// In a Web Worker.

// newWorker starts the worker script. The literal new Worker(new URL(…))
// lets bundlers bundle it; a page on another origin than the script may not
// start it by URL, so there a tiny same-origin script imports it. Returns
// null when neither may start (a policy that forbids workers or blob:).
function newWorker() {
  try {
    return new Worker(new URL("./sipgate-account-worker.js", import.meta.url));
  } catch {
    // Not this page's origin: bootstrap from a blob: URL.
  }
  try {
    const script = `importScripts(${JSON.stringify(new URL("./sipgate-account-worker.js", import.meta.url).href)});`;
    return new Worker(URL.createObjectURL(new Blob([script], { type: "text/javascript" })));
  } catch {
    return null;
  }
}

// startWorker runs the module in a worker and resolves with the page's
// fetchAccount and fetchAccountWithToken, which forward to it; null when
// the worker itself could not start.
function startWorker(files) {
  const worker = newWorker();
  if (!worker) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    let heard = false;
    worker.onerror = (e) => {
      if (heard) return;
      // The script did not run at all: blocked, or not there.
      e.preventDefault?.();
      worker.terminate();
      resolve(null);
    };
    worker.onmessage = (e) => {
      heard = true;
      const m = e.data;
      if (m.type === "compiled") performance.mark("sipgate-compiled", { detail: m.download });
      else if (m.type === "failed") {
        worker.terminate();
        const f = m.failure;
        // The worker's origin is the page's: the page asks for it.
        if (f.stage === "fetch" && !f.violation) {
          reachable(files.wasm).then((r) => reject(describe({ ...f, reachable: r }, files)));
        } else reject(describe(f, files));
      } else if (m.type === "ready") {
        install(forwarders(worker));
        performance.mark("sipgate-ready");
        resolve(api());
      }
    };
    worker.postMessage({ type: "start", wasm: files.wasm.href, wasmExec: files.wasmExec.href });
  });
}

// install puts the functions on globalThis, where the module puts them
// when it runs on the page's thread: the contract's globals.
function install(fns) {
  globalThis.fetchAccount = fns.fetchAccount;
  globalThis.fetchAccountWithToken = fns.fetchAccountWithToken;
}

// forwarders are fetchAccount and fetchAccountWithToken on the page: each
// call's arguments go to the worker, its outcome comes back.
function forwarders(worker) {
  const pending = new Map();
  let next = 0;
  worker.onmessage = (e) => {
    const m = e.data;
    const call = pending.get(m.id);
    if (m.type !== "settled" || !call) return;
    pending.delete(m.id);
    call.done();
    if (m.error) call.reject(Object.assign(new Error(m.error.message), { name: m.error.name, code: m.error.code }));
    else call.resolve(m.result);
  };
  worker.onerror = (e) => {
    e.preventDefault?.();
    for (const [id, call] of pending) {
      pending.delete(id);
      call.done();
      call.reject(Object.assign(new Error("internal error in the module (please report it): its worker failed"), { name: "SipgateError", code: "INTERNAL" }));
    }
  };
  const forward = (fn, optionsAt) => function (...args) {
    return new Promise((resolve, reject) => {
      const id = ++next;
      const signals = [];
      const slots = args.slice(0, optionsAt + 1).map((v, i) => (i === optionsAt ? optionsSlot(v, signals) : slot(v)));
      const onAbort = () => worker.postMessage({ type: "abort", id });
      for (const s of signals) s.addEventListener("abort", onAbort);
      const done = () => { for (const s of signals) s.removeEventListener("abort", onAbort); };
      pending.set(id, { resolve, reject, done });
      worker.postMessage({ type: "call", id, fn, args: slots });
    });
  };
  return { fetchAccount: forward("fetchAccount", 2), fetchAccountWithToken: forward("fetchAccountWithToken", 1) };
}

// A string longer than this is cut before it crosses to the worker: the
// module refuses it by its length either way (far below this), and a
// hundred million characters need not be copied to be refused.
const CROSSING_LIMIT = 1 << 16;

// slot carries one argument to the worker as it is, when the value can be
// copied; otherwise as its kind, from which the worker builds a stand-in of
// the same type. The module then judges it as it would on the page.
function slot(v) {
  switch (typeof v) {
    case "string":
      return { value: v.length > CROSSING_LIMIT ? v.slice(0, CROSSING_LIMIT + 1) : v };
    case "symbol":
    case "function":
      return { kind: typeof v };
    case "object":
      return v === null ? { value: null } : { kind: "object" };
  }
  return { value: v }; // number, boolean, bigint, undefined
}

// optionsSlot reads the options the module reads, once each and in its
// order, so that a getter or a Proxy trap runs as it would: a throw is
// carried over and thrown again in the worker. An AbortSignal stays on the
// page; its abort is forwarded.
function optionsSlot(options, signals) {
  if (typeof options !== "object" || options === null) return slot(options);
  const keys = {};
  for (const key of ["baseURL", "timeoutMs", "signal"]) {
    let v;
    try {
      v = Reflect.get(options, key);
    } catch (e) {
      keys[key] = { threw: String(e && e.message !== undefined ? e.message : e) };
      continue;
    }
    if (key === "signal" && isAbortSignal(v)) {
      signals.push(v);
      keys[key] = { kind: "signal", aborted: v.aborted };
    } else {
      keys[key] = slot(v);
    }
  }
  return { kind: "options", keys };
}

function isAbortSignal(v) {
  try {
    return typeof v === "object" && v !== null && AbortSignal.prototype.isPrototypeOf(v);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// On the page's thread.

async function startHere(files) {
  const { wasm, wasmExec } = files;
  const violations = watchPolicy();
  try {
    // The download starts at once, while wasm_exec.js loads.
    const response = fetch(wasm).then((resp) => ({ resp }), (err) => ({ err }));
    await goRuntime(files, violations);
    const { resp, err } = await response;
    if (err) {
      await nextTask();
      throw describe({ stage: "fetch", error: String(err), violation: violations.blocked(wasm), reachable: await reachable(wasm) }, files);
    }
    if (!resp.ok) throw describe({ stage: "status", status: resp.status, statusText: resp.statusText }, files);
    const type = (resp.headers.get("Content-Type") ?? "").split(";")[0].trim().toLowerCase();
    if (type !== "application/wasm") throw describe({ stage: "type", type }, files);
    const go = new globalThis.Go();
    let instance;
    try {
      ({ instance } = await WebAssembly.instantiateStreaming(resp, go.importObject));
    } catch (e) {
      throw describe({ stage: "compile", error: String(e && e.message) }, files);
    }
    performance.mark("sipgate-compiled", { detail: downloadOf(wasm) });
    // run() settles only if the Go program exits, which it never should.
    go.run(instance).then(() => console.error("sipgate-account: the module stopped; reload the page"));
    if (!running()) throw describe({ stage: "install" }, files);
    performance.mark("sipgate-ready");
    return api();
  } finally {
    violations.stop();
  }
}

// goRuntime makes sure Go's wasm_exec.js has run (it defines globalThis.Go),
// adding it as a classic script when the page has not.
function goRuntime(files, violations) {
  const url = files.wasmExec;
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
      else reject(describe({ stage: "runtime", notGo: true }, files));
    };
    script.onerror = async () => {
      await nextTask();
      reject(describe({ stage: "runtime", violation: violations.blocked(url) }, files));
    };
    document.head.append(script);
  });
}

// downloadOf is what Resource Timing says of the module's download, for
// the sipgate-compiled mark (the worker reports its own the same way).
function downloadOf(url) {
  const e = performance.getEntriesByName(url.href)[0];
  return e ? { encodedBytes: e.encodedBodySize, decodedBytes: e.decodedBodySize, transferBytes: e.transferSize } : null;
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
      return seen.find((v) => v.uri && (url.href === v.uri || url.href.startsWith(v.uri))) ?? null;
    },
    stop() {
      target.removeEventListener?.("securitypolicyviolation", record);
    },
  };
}

// A violation event is queued as a task of its own; this lets it arrive
// before the decision.
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

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

// ---------------------------------------------------------------------------
// What went wrong, for the page's developer: one wording for both threads.

// describe words the facts of a failed start (from either thread) as a
// SipgateLoadError that says what to fix.
function describe(f, { wasm, wasmExec, givenWasm, givenExec }) {
  switch (f.stage) {
    case "runtime":
      if (f.notGo) {
        return new SipgateLoadError(`${wasmExec} loaded but did not define Go: it is not Go's wasm_exec.js ` +
          "(a server that answers a missing file with a page gives this too)." + whereItLooked(givenExec, "wasmExecURL"), wasmExec);
      }
      return new SipgateLoadError(f.violation
        ? `${wasmExec} could not be loaded: this page's Content-Security-Policy blocks it (${f.violation.directive}). Add ${wasmExec.origin} to the policy's script-src.`
        : `${wasmExec} could not be loaded (missing, or a network error).` + whereItLooked(givenExec, "wasmExecURL"), wasmExec);
    case "fetch":
      if (f.violation) {
        return new SipgateLoadError(`${wasm} could not be fetched: this page's Content-Security-Policy blocks it (${f.violation.directive}). ` +
          `Add ${wasm.origin} to the policy's connect-src.`, wasm);
      }
      if (f.reachable) {
        return new SipgateLoadError(`${wasm} could not be fetched: its server answers, but does not allow this page's origin ` +
          "(it must send Access-Control-Allow-Origin). See docs/embedding.md.", wasm);
      }
      return new SipgateLoadError(`${wasm} could not be fetched: a network error (offline, or nothing answers at ${wasm.origin}).` +
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
// this file unless the page said otherwise, which a bundler or a server
// may not have kept.
function whereItLooked(given, option) {
  return given
    ? ` Check the URL given as ${option}.`
    : " load() looked for it beside sipgate-account.js (where a bundler that understands " +
      "new URL(\"./…\", import.meta.url) puts it too); if your bundler or server puts the files elsewhere, " +
      "pass their URLs as load({ wasmURL, wasmExecURL }).";
}
