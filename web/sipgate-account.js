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
// thread over the same messages, and the console says why. The module's
// functions on the page forward each call to it. Start-up is marked
// sipgate-load, sipgate-compiled (its detail: the module's download,
// encodedBytes and decodedBytes, and timeline: when the module's thread
// began, asked for it and had it compiled, in ms since the epoch) and
// sipgate-ready (its detail: the thread
// it runs on, "worker" or "page"). It has no side effects on import; the
// <sipgate-account> element is sipgate-account-element.js.
//
// This file holds the instance rules: which files, one instance per page,
// and which later calls it is handed to. Its parts, each in a file named
// for it: sipgate-account-start.js (the ways to start the host),
// -integrity.js (pins), -calls.js (the messages with the host), -errors.js
// (the error classes and words) and -urls.js (the URL rules). The host
// module runs only when load() starts it, from the bytes load() checked
// where it was given pins: nothing here imports it.
//
// Nothing here sees a password except to pass it on to fetchAccount; nothing
// is stored.

import { SipgateLoadError } from "./sipgate-account-errors.js";
import { pinnable, pins } from "./sipgate-account-integrity.js";
import { start } from "./sipgate-account-start.js";
import { onPageOrigin, pageOrigin, resolve, shown } from "./sipgate-account-urls.js";

export { SipgateError, SipgateLoadError } from "./sipgate-account-errors.js";

// The files beside this one, in the literal form bundlers recognize (they
// emit each and rewrite the URL); as plain files on any host they resolve
// beside this file. Each is null where this file has no URL of its own (an
// iife or CommonJS bundle, where import.meta is empty): such a page names
// its files as load()'s options.
//
// The host module's literal is the Worker's own (sipgate-account-start.js):
// a bundler bundles it as a worker. Its plain URL is known only beside
// this file unbundled: a second literal would make bundlers emit the file
// twice (Parcel then loses one).
const defaults = {
  wasm: () => new URL("./sipgate-account.wasm", import.meta.url),
  wasmExec: () => new URL("./wasm_exec.js", import.meta.url),
  worker: () => {
    const here = new URL(import.meta.url);
    return /^https?:$/.test(here.protocol) && here.pathname.endsWith("/sipgate-account.js") ? new URL(HOST_FILE, here) : null;
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

// The module's exported functions, as the Go module declares them where it
// runs on the page itself (plain script tags): [{name, optionsAt, optionKeys}].
const EXPORTS = Symbol.for("sipgate-account.exports");

// The element passes the files its attributes name under this key: markup
// may not choose code from another origin, and an instance it chose is
// never handed to a caller that did not name the same files.
const FROM_MARKUP = Symbol.for("sipgate-account.from-markup");

/**
 * Loads the module once per page.
 * @param {{wasmURL?: string|URL, wasmExecURL?: string|URL, workerURL?: string|URL, worker?: boolean, integrity?: object}} [options]
 *   Where the files are; relative URLs are taken relative to where the
 *   files are by default, beside this file (or the page, where this file
 *   has no URL). worker: false runs the module on the page's thread.
 *   integrity pins the files' bytes. A later call with other files or pins
 *   than the running module's is refused.
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
  if (globalThis[EXPORTS]) {
    // Loaded with plain script tags: it runs, from files load() can
    // neither see nor check.
    const first = files.wasm ?? files.wasmExec ?? files.worker;
    if (files.given) {
      return Promise.reject(new SipgateLoadError(
        `the module already runs on this page (started with script tags), so load() cannot start it from ${shown(first)}: call load() without options`, first));
    }
    if (Object.keys(files.integrity).length > 0) {
      return Promise.reject(new SipgateLoadError("the module already runs on this page, started with script tags from files load() " +
        "cannot check, so load({ integrity }) cannot vouch for them: pin the script tags themselves, or start the module with load()",
        first ?? "sipgate-account.wasm", { code: "INTEGRITY" }));
    }
    return Promise.resolve(api(functionsOf(globalThis[EXPORTS])));
  }
  const unknown = unknownFile(files);
  if (unknown) return Promise.reject(unknown);
  const instance = { ...files, started: run(files) };
  globalThis[INSTANCE] = instance;
  // A failed load leaves nothing running, so a later call may try again
  // (after the page fixed a URL, say).
  instance.started.catch(() => {
    if (globalThis[INSTANCE] === instance) delete globalThis[INSTANCE];
  });
  return instance.started;
}

async function run(files) {
  performance.mark("sipgate-load");
  const { fns, thread } = await start(files);
  // The contract's globals: where the module runs with script tags, it
  // puts its functions there itself.
  for (const [name, fn] of Object.entries(fns)) globalThis[name] = fn;
  performance.mark("sipgate-ready", { detail: { thread } });
  return api(fns);
}

// api is what load() resolves with: the module's functions by name.
function api(fns) {
  return { ...fns };
}

function functionsOf(exports) {
  return Object.fromEntries(exports.map(({ name }) => [name, globalThis[name]]));
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
      url = resolve(value, fallback ?? undefined);
    } catch {
      throw new SipgateLoadError(`load(): ${option} ${JSON.stringify(shown(value))} is not a URL`, value);
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
// module's files only on the page's own origin. An injected
// <sipgate-account wasm-exec-url="https://elsewhere/x.js"> would otherwise
// run that script, and with it read the passwords typed into the page; and
// the loader's own origin may be a shared one (a public CDN), which serves
// every other package's files too.
function refuseForeign(url, option) {
  if (!onPageOrigin(url)) {
    throw new SipgateLoadError(`<sipgate-account> may name the module's files only on this page's origin, ${pageOrigin()}, not ${url.origin} ` +
      `(${option === "wasmURL" ? "wasm-url" : "wasm-exec-url"}): markup does not choose which code runs. ` +
      `A page that loads them from elsewhere passes their URLs to load() in its own script.`, url);
  }
}

// clashWith says why a load() that names other files or pins than the
// running module's cannot be served: one Go instance per page, started
// from the first call's files. Options are never dropped silently, and an
// instance whose files markup chose is never handed to a caller that did
// not name the same files.
function clashWith(existing, files) {
  for (const [file, option] of fileOptions) {
    const want = files[file], have = existing[file];
    if (files.named[file] && want?.href !== have?.href) {
      return new SipgateLoadError(
        `the module already runs on this page from ${shown(have)} (an earlier load() or a <sipgate-account> element started it), ` +
          `so load() cannot start it from ${shown(want)} (${option}): there is one Go instance per page. ` +
          "Give every load() and element the same file URLs, or none.", want);
    }
  }
  for (const [file, name] of Object.entries(pinnable)) {
    const want = files.integrity[file];
    if (want !== undefined && want !== existing.integrity[file]) {
      return new SipgateLoadError(`the module already runs on this page from ${shown(existing[file])}, ` +
        (existing.integrity[file] ? "pinned to another integrity value" : "not pinned") +
        `, so load() cannot pin ${name} to ${want}: there is one Go instance per page. Give every load() the same integrity values.`,
        existing[file] ?? name, { code: existing.integrity[file] ? "LOAD_FAILED" : "INTEGRITY" });
    }
  }
  if (existing.byMarkup && !files.byMarkup) {
    const chosen = fileOptions.filter(([file]) => existing.named[file] && !files.named[file]);
    if (chosen.length > 0) {
      const [file, option] = chosen[0];
      return new SipgateLoadError(
        `the module on this page was started from ${shown(existing[file])}, which a <sipgate-account> element's attributes named; ` +
          `a load() that does not name that file (${option}) is not handed it, since markup does not choose the code a page's ` +
          "script runs. Name the same files in load(), or start the module from the page's script first.", existing[file]);
    }
  }
  return null;
}
