// sipgate-account.js: the loader, for any page, with one import.
//
//   import { load } from "sipgate-account";            (npm, with a bundler)
//   import { load } from "https://your.host/sipgate-account.js";
//   const { fetchAccount, fetchAccountWithToken } = await load();
//
// load() finds its files beside this file (or where its options say), and
// starts one Go instance per page however often it is called, from however
// many copies of this file. The module runs in a module Web Worker
// (sipgate-account-host.js), so compiling and starting it never blocks the
// page; where no Worker may start, the same host module runs on the page's
// thread over the same messages, and the console says why. fetchAccount and
// fetchAccountWithToken on the page forward each call to it. Start-up is
// marked sipgate-load, sipgate-compiled (its detail: the module's download,
// encodedBytes and decodedBytes) and sipgate-ready (its detail: the thread
// it runs on, "worker" or "page"). It has no side effects on import; the
// <sipgate-account> element is sipgate-account-element.js.
//
// Nothing here sees a password except to pass it on to fetchAccount; nothing
// is stored.

import { serve } from "./sipgate-account-host.js";

// The files beside this one, in the literal form bundlers recognize (they
// emit each and rewrite the URL); as plain files on any host they resolve
// beside this file. Each is null where this file has no URL of its own (an
// iife or CommonJS bundle, where import.meta is empty): such a page names
// its files as load()'s options.
//
// The host module's literal is the Worker's own (see workerWays): a bundler
// bundles it as a worker. Its plain URL, which a Worker started from a
// blob: imports, is known only beside an unbundled loader: a second
// literal would make bundlers emit the file twice (Parcel then loses one).
const defaults = {
  wasm: () => new URL("./sipgate-account.wasm", import.meta.url),
  wasmExec: () => new URL("./wasm_exec.js", import.meta.url),
  worker: () => {
    const here = import.meta.url;
    return /^https?:/.test(here) ? new URL(HOST_FILE, here) : null;
  },
};
const HOST_FILE = "./sipgate-account-host.js";

function defaultURL(file) {
  try {
    return defaults[file]();
  } catch {
    return null;
  }
}

// The options that name a file, with the file each names.
const fileOptions = [
  ["wasm", "wasmURL", "sipgate-account.wasm"],
  ["wasmExec", "wasmExecURL", "wasm_exec.js"],
  ["worker", "workerURL", "sipgate-account-host.js"],
];

// One instance per page: the running start lives on globalThis under a
// registered symbol, so that two copies of this file (two URLs, two
// versions) share it.
const INSTANCE = Symbol.for("sipgate-account.instance");

// The element passes the files its attributes name under this key: markup
// may not choose code from another origin, and an instance it chose is
// never handed to a caller that did not name the same files.
const FROM_MARKUP = Symbol.for("sipgate-account.from-markup");

/**
 * Why load() failed: which file (url, without its query and fragment),
 * and what to do about it. code is "INTEGRITY" when a file's bytes are not
 * the ones the page pinned, "LOAD_FAILED" otherwise.
 */
export class SipgateLoadError extends Error {
  constructor(message, url, options) {
    super(message, options);
    this.name = "SipgateLoadError";
    this.code = options?.code ?? "LOAD_FAILED";
    this.url = shown(url);
  }
}

// shown is a file's URL as messages name it: without its query and
// fragment, which may carry what the page would not show (a token).
function shown(url) {
  try {
    const u = new URL(url);
    return u.origin === "null" ? u.protocol + u.pathname : u.origin + u.pathname;
  } catch {
    return String(url).split(/[?#]/)[0];
  }
}

// The files load({ integrity }) can pin, by the names integrity.json uses.
const pinnable = { wasm: "sipgate-account.wasm", wasmExec: "wasm_exec.js", worker: "sipgate-account-host.js" };

/**
 * Loads the module once per page.
 * @param {{wasmURL?: string|URL, wasmExecURL?: string|URL, workerURL?: string|URL, worker?: boolean}} [options]
 *   Where the files are; relative URLs are taken relative to where the
 *   files are by default, beside this file (or the page, where this file
 *   has no URL). worker: false runs the module on the page's thread. A
 *   later call with other files than the running module's is refused.
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
          `${files.wasm ?? files.wasmExec ?? files.worker}: call load() without options`, files.wasm ?? files.wasmExec ?? files.worker));
    }
    return Promise.resolve(api());
  }
  const unknown = unknownFile(files);
  if (unknown) return Promise.reject(unknown);
  const instance = { ...files, started: start(files) };
  globalThis[INSTANCE] = instance;
  // A failed load leaves nothing running, so a later call may try again
  // (after the page fixed a URL, say).
  instance.started.catch(() => {
    if (globalThis[INSTANCE] === instance) delete globalThis[INSTANCE];
  });
  return instance.started;
}

// resolveFiles turns load()'s options into the file URLs (null for a
// default this file cannot know) and which of them the caller named.
function resolveFiles(options) {
  if (options !== undefined && options !== null && typeof options !== "object") {
    throw new TypeError(`load() takes an options object, not ${typeof options}`);
  }
  const o = options ?? {};
  const markup = o[FROM_MARKUP] === true;
  const files = { inWorker: o.worker !== false, given: false, named: {} };
  for (const [file, option] of fileOptions) {
    const value = o[option];
    const fallback = defaultURL(file);
    if (value === undefined) {
      files[file] = fallback;
      continue;
    }
    // A relative URL is taken relative to where the file is by default
    // (beside this file, or where the bundler put it), or to the page when
    // this file has no URL of its own.
    let url;
    try {
      url = new URL(value, fallback ?? document.baseURI);
    } catch {
      throw new SipgateLoadError(`load(): ${option} ${JSON.stringify(String(value))} is not a URL`, value);
    }
    if (markup) refuseForeign(url, option);
    files[file] = url;
    files.named[file] = true;
    files.given = true;
  }
  files.byMarkup = markup && files.given;
  files.integrity = pins(o.integrity);
  return files;
}

// pins reads load()'s integrity option: Subresource Integrity values by
// file name, as integrity.json has them (the whole manifest may be given;
// names of other files are ignored).
function pins(integrity) {
  const pinned = {};
  if (integrity === undefined) return pinned;
  if (typeof integrity !== "object" || integrity === null) {
    throw new TypeError(`load(): integrity must be an object of integrity values by file name (integrity.json), not ${integrity === null ? "null" : typeof integrity}`);
  }
  for (const [file, name] of Object.entries(pinnable)) {
    const value = integrity[name];
    if (value === undefined) continue;
    if (typeof value !== "string" || !/^(sha256|sha384|sha512)-[A-Za-z0-9+/]+={0,2}$/.test(value.trim())) {
      throw new TypeError(`load(): integrity[${JSON.stringify(name)}] must be an integrity value such as "sha384-…" (integrity.json has them)`);
    }
    pinned[file] = value.trim();
  }
  return pinned;
}

// unknownFile says which file load() cannot start from: where this file
// has no URL of its own, the page names them.
function unknownFile(files) {
  for (const [file, option, name] of fileOptions.slice(0, 2)) {
    if (!files[file]) {
      return new SipgateLoadError(`load() cannot tell where ${name} is: this copy of sipgate-account.js has no URL of its own ` +
        `(import.meta.url is empty in an iife or CommonJS bundle). Copy the files beside your bundle and name them: ` +
        `load({ wasmURL, wasmExecURL, workerURL }).`, option);
    }
  }
  return null;
}

// refuseForeign keeps markup from choosing code: an attribute may name the
// module's files only on the loader's own origin (the page's, where the
// loader has no URL of its own). An injected <sipgate-account
// wasm-exec-url="https://elsewhere/x.js"> would otherwise run that script,
// and with it read the passwords typed into the page.
function refuseForeign(url, option) {
  const own = (defaultURL("wasmExec") ?? new URL(document.baseURI)).origin;
  if (url.origin !== own) {
    throw new SipgateLoadError(`<sipgate-account> may name the module's files only on ${own}, not ${url.origin} ` +
      `(${option === "wasmURL" ? "wasm-url" : "wasm-exec-url"}): markup does not choose which code runs. ` +
      `A page that loads them from elsewhere passes their URLs to load() in its own script.`, url);
  }
}

// clashWith says why a load() that names other files than the running
// module's cannot be served: one Go instance per page, started from the
// first call's files. Options are never dropped silently, and an instance
// whose files markup chose is never handed to a caller that did not name
// the same files.
function clashWith(existing, files) {
  for (const [file, option] of fileOptions) {
    const want = files[file], have = existing[file];
    if (files.named[file] && want?.href !== have?.href) {
      return new SipgateLoadError(
        `the module already runs on this page from ${have} (an earlier load() or a <sipgate-account> element started it), ` +
          `so load() cannot start it from ${want} (${option}): there is one Go instance per page. ` +
          "Give every load() and element the same file URLs, or none.", want);
    }
  }
  for (const [file, name] of Object.entries(pinnable)) {
    const want = files.integrity[file];
    if (want !== undefined && want !== existing.integrity[file]) {
      return new SipgateLoadError(`the module already runs on this page from ${shown(existing[file])}, ` +
        (existing.integrity[file] ? "pinned to another integrity value" : "not pinned") +
        `, so load() cannot pin ${name} to ${want}: there is one Go instance per page. Give every load() the same integrity values.`, existing[file]);
    }
  }
  if (existing.byMarkup && !files.byMarkup) {
    const chosen = fileOptions.filter(([file]) => existing.named[file] && !files.named[file]);
    if (chosen.length > 0) {
      const [file, option] = chosen[0];
      return new SipgateLoadError(
        `the module on this page was started from ${existing[file]}, which a <sipgate-account> element's attributes named; ` +
          `a load() that does not name that file (${option}) is not handed it, since markup does not choose the code a page's ` +
          "script runs. Name the same files in load(), or start the module from the page's script first.", existing[file]);
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

// start runs the host module (sipgate-account-host.js) in a Worker, or
// where none may start, on this thread; the same messages either way.
async function start(files) {
  performance.mark("sipgate-load");
  if (files.inWorker && typeof Worker === "function" && typeof document !== "undefined") {
    // Why each way failed, and whether this page's policy said so (as a
    // throw, or as a violation event in some engines).
    const why = { lines: [], policy: false };
    const violated = (e) => { why.policy ||= /^(worker|child|script)-src/.test(e.effectiveDirective || e.violatedDirective); };
    document.addEventListener("securitypolicyviolation", violated);
    try {
      for (const way of workerWays(files)) {
        const worker = await way.make(why);
        if (!worker) continue;
        const fns = await open(worker, files, way.started);
        if (fns) return ready(fns, "worker");
        why.lines.push(`${way.name}: it did not run (${way.url ?? "the bundled worker"}: missing, not served as a JavaScript module, ` +
          "or refused by CORS or by this page's Content-Security-Policy, whose worker-src must allow blob: and the file's origin)");
      }
    } finally {
      document.removeEventListener("securitypolicyviolation", violated);
    }
    console.warn(pageThreadWarning(why, files));
  }
  // A pinned wasm_exec.js comes to the page as a script with its integrity
  // value (the host would import it unpinned).
  if (files.integrity.wasmExec && typeof globalThis.Go !== "function") await pinnedScript(files);
  const { port1, port2 } = new MessageChannel();
  serve(port2);
  return ready(await open(port1, files), "page");
}

// pinnedScript adds wasm_exec.js as a classic script with its integrity
// value, which the browser checks before it runs a byte of it.
function pinnedScript(files) {
  const url = files.wasmExec;
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url.href;
    script.integrity = files.integrity.wasmExec;
    script.crossOrigin = "anonymous";
    script.onload = () => resolve();
    script.onerror = async () => {
      const mismatch = await unlike(url, files.integrity.wasmExec);
      reject(mismatch ? pinError(url, "wasmExec", files) : describe({ stage: "runtime" }, files));
    };
    document.head.append(script);
  });
}

// verifiedText fetches a file with its integrity value: the browser hands
// over its text only if its bytes are the pinned ones.
async function verifiedText(url, file, files) {
  let resp;
  try {
    resp = await fetch(url, { integrity: files.integrity[file] ?? "" });
  } catch (err) {
    if (files.integrity[file] && (await unlike(url, files.integrity[file]))) throw pinError(url, file, files);
    throw describe({ stage: file === "wasmExec" ? "runtime" : "host", error: String(err) }, files);
  }
  if (!resp.ok) throw describe({ stage: file === "wasmExec" ? "runtime" : "host", status: resp.status }, files);
  return resp.text();
}

// unlike tells whether a file's bytes, fetched again without a pin, differ
// from an integrity value: the browser reports a mismatch only as a failed
// fetch, like a network error.
async function unlike(url, integrity) {
  try {
    const resp = await fetch(url, { cache: "no-store" });
    if (!resp.ok) return false;
    const [algorithm, expected] = [integrity.slice(0, 6), integrity.slice(7)];
    const digest = await crypto.subtle.digest({ sha256: "SHA-256", sha384: "SHA-384", sha512: "SHA-512" }[algorithm], await resp.arrayBuffer());
    return btoa(String.fromCharCode(...new Uint8Array(digest))) !== expected;
  } catch {
    return false;
  }
}

function pinError(url, file, files) {
  return new SipgateLoadError(`${shown(url)} (${pinnable[file]}) is not the file this page pinned: its bytes do not match the integrity value ` +
    `${files.integrity[file]} given to load(). Serve the files of the build that integrity.json comes with, or update the value.`, url, { code: "INTEGRITY" });
}

function ready(fns, thread) {
  install(fns);
  performance.mark("sipgate-ready", { detail: { thread } });
  return api();
}

// workerWays are the ways to start the host module in a module Worker, in
// the order they are tried:
// - by its URL, written as the literal new Worker(new URL(…), { type:
//   "module" }) that bundlers recognize and bundle. Its policy is its own
//   script's Content-Security-Policy (which cmd/serve and the recipes send
//   on every file);
// - from a blob: URL that imports it, which a page on another origin than
//   the file needs, and which takes the page's own policy. A page whose
//   policy is in a <meta> tag starts it only this way: a Worker started by
//   URL would not be bound by that policy.
function workerWays(files) {
  const url = files.worker;
  const byURL = {
    name: "the Worker from its URL",
    url,
    make: (why) => attempt(why, "the Worker from its URL", () => files.named.worker
      ? new Worker(url, { type: "module" })
      : new Worker(new URL("./sipgate-account-host.js", import.meta.url), { type: "module" })),
  };
  // blobWorker starts a module Worker from a blob: URL holding parts, and
  // forgets the URL if it cannot; started forgets it once the Worker ran
  // (or failed), when it is not needed again.
  let blob;
  const blobWorker = (why, name, parts) => {
    blob = URL.createObjectURL(new Blob(parts, { type: "text/javascript" }));
    const worker = attempt(why, name, () => new Worker(blob, { type: "module" }));
    if (!worker) URL.revokeObjectURL(blob);
    return worker;
  };
  const started = () => URL.revokeObjectURL(blob);
  const fromBlob = {
    name: "the Worker from a blob: URL",
    url,
    make: (why) => url ? blobWorker(why, "the Worker from a blob: URL", [`import ${JSON.stringify(url.href)};`]) : null,
    started,
  };
  // Pinned code runs only from the bytes the browser checked: the host
  // module and wasm_exec.js fetched with their integrity values, started
  // together as one blob: module (worker-src must allow blob:).
  const pinned = {
    name: "the Worker from its pinned files",
    url,
    make: async (why) => {
      if (!url) {
        throw new SipgateLoadError("load({ integrity }) needs the host module's URL, to fetch it with its integrity value: " +
          "this copy of sipgate-account.js has no URL of its own, so name it as load({ workerURL }).", "sipgate-account-host.js");
      }
      const [runtime, host] = await Promise.all([verifiedText(files.wasmExec, "wasmExec", files), verifiedText(url, "worker", files)]);
      return blobWorker(why, "the Worker from its pinned files", [runtime, "\n", host]);
    },
    started,
  };
  if (files.integrity.wasmExec || files.integrity.worker) return [pinned];
  return metaPolicy() ? [fromBlob] : [byURL, fromBlob];
}

function attempt(why, name, make) {
  try {
    return make();
  } catch (e) {
    const message = String(e && e.message !== undefined ? e.message : e);
    why.lines.push(`${name}: ${message}`);
    why.policy ||= /Content.Security.Policy/i.test(message);
    return null;
  }
}

// metaPolicy tells whether the page has a Content-Security-Policy in a
// <meta> tag.
function metaPolicy() {
  return [...document.querySelectorAll("meta[http-equiv]")].some((m) => m.httpEquiv.toLowerCase() === "content-security-policy");
}

function pageThreadWarning(why, files) {
  return "sipgate-account: the module runs on the page's thread, which it blocks while it starts, because its Worker could not start: " +
    why.lines.join("; ") + ". " + (why.policy
      ? "Allow the Worker in this page's Content-Security-Policy: worker-src " + (files.worker ? files.worker.origin : "'self'") + " blob:. "
      : "Serve sipgate-account-host.js beside sipgate-account.js (a bundler that understands new Worker(new URL(\"./…\", import.meta.url)) does), " +
        "or name where it is with load({ workerURL }).") + " load({ worker: false }) chooses the page's thread without this warning.";
}

// open runs the start messages on port (a Worker, or a MessagePort whose
// other end the host serves here). It resolves with the forwarding
// functions once the module runs, rejects when it could not start, and
// resolves null when a Worker never ran the host at all.
function open(port, files, started) {
  return new Promise((resolve, reject) => {
    let heard = false;
    const first = () => {
      if (!heard) started?.();
      heard = true;
    };
    port.onerror = (e) => {
      if (heard) return;
      first();
      // The script did not run at all: blocked, missing or refused.
      e.preventDefault?.();
      port.terminate();
      resolve(null);
    };
    port.onmessage = (e) => {
      first();
      const m = e.data;
      if (m.type === "compiled") performance.mark("sipgate-compiled", { detail: m.download });
      else if (m.type === "failed") {
        port.terminate?.();
        port.close?.();
        const f = m.failure;
        // The worker's origin is the page's: the page asks whether the
        // bytes were not the pinned ones, or whether the server is there.
        if (f.stage === "fetch" && !f.violation) {
          (async () => {
            if (files.integrity.wasm && (await unlike(files.wasm, files.integrity.wasm))) return reject(pinError(files.wasm, "wasm", files));
            reject(describe({ ...f, reachable: await reachable(files.wasm) }, files));
          })();
        } else reject(describe(f, files));
      } else if (m.type === "ready") {
        resolve(forwarders(port, m.optionKeys));
      }
    };
    port.postMessage({ type: "start", wasm: files.wasm.href, wasmExec: files.wasmExec.href, integrity: files.integrity.wasm });
  });
}

// install puts the functions on globalThis, where the module puts them
// itself when it runs with script tags: the contract's globals.
function install(fns) {
  globalThis.fetchAccount = fns.fetchAccount;
  globalThis.fetchAccountWithToken = fns.fetchAccountWithToken;
}

// forwarders are fetchAccount and fetchAccountWithToken on the page: each
// call's arguments go to the host, its outcome comes back. optionKeys are
// the options the module declares it reads; they cross, and no others.
function forwarders(port, optionKeys) {
  const pending = new Map();
  let next = 0;
  port.onmessage = (e) => {
    const m = e.data;
    const call = pending.get(m.id);
    if (m.type !== "settled" || !call) return;
    pending.delete(m.id);
    call.done();
    if (m.error) call.reject(Object.assign(new Error(m.error.message), { name: m.error.name, code: m.error.code }));
    else call.resolve(m.result);
  };
  port.onerror = (e) => {
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
      const crossed = args.slice(0, optionsAt + 1).map((v, i) => (i === optionsAt ? crossOptions(v, optionKeys, signals) : cross(v)));
      const onAbort = () => port.postMessage({ type: "abort", id });
      for (const s of signals) s.addEventListener("abort", onAbort);
      const done = () => { for (const s of signals) s.removeEventListener("abort", onAbort); };
      pending.set(id, { resolve, reject, done });
      port.postMessage({ type: "call", id, fn, args: crossed });
    });
  };
  return { fetchAccount: forward("fetchAccount", 2), fetchAccountWithToken: forward("fetchAccountWithToken", 1) };
}

// A string longer than this is cut before it crosses to the host: the
// module refuses it by its length either way (far below this), and a
// hundred million characters need not be copied to be refused.
const CROSSING_LIMIT = 1 << 16;

// cross carries one argument to the host as it is, when the value can be
// copied; otherwise as its kind, from which the host builds a stand-in of
// the same type. The module then judges it as it would on the page.
function cross(v) {
  switch (typeof v) {
    case "string":
      return { value: v.length > CROSSING_LIMIT ? v.slice(0, CROSSING_LIMIT + 1) : v };
    case "symbol":
    case "function":
      return { kind: typeof v };
    case "object":
      if (v === null) return { value: null };
      return isAbortSignal(v) ? { kind: "signal", aborted: v.aborted } : { kind: "object" };
  }
  return { value: v }; // number, boolean, bigint, undefined
}

// crossOptions reads the options the module reads, once each and in its
// order, so that a getter or a Proxy trap runs as it would: a throw is
// carried over and thrown again in the host. An AbortSignal stays on the
// page; its abort is forwarded.
function crossOptions(options, optionKeys, signals) {
  if (typeof options !== "object" || options === null) return cross(options);
  const keys = {};
  for (const key of optionKeys) {
    let v;
    try {
      v = Reflect.get(options, key);
    } catch (e) {
      keys[key] = { threw: String(e && e.message !== undefined ? e.message : e) };
      continue;
    }
    if (isAbortSignal(v)) signals.push(v);
    keys[key] = cross(v);
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
function describe(f, files) {
  const { named } = files;
  const wasm = shown(files.wasm), wasmExec = shown(files.wasmExec);
  const givenWasm = named.wasm === true, givenExec = named.wasmExec === true;
  switch (f.stage) {
    case "host":
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
// this file unless the page said otherwise, which a bundler or a server
// may not have kept.
function whereItLooked(given, option) {
  return given
    ? ` Check the URL given as ${option}.`
    : " load() looked for it beside sipgate-account.js (where a bundler that understands " +
      "new URL(\"./…\", import.meta.url) puts it too); if your bundler or server puts the files elsewhere, " +
      "pass their URLs as load({ wasmURL, wasmExecURL, workerURL }).";
}
