// sipgate-account-integrity.js: load({ integrity }). With pins given, every
// file the module runs (the host module, wasm_exec.js, the .wasm) runs only
// from bytes the browser checked against its pin, on the page and in the
// Worker alike; a file that cannot be checked is refused, never skipped.

import { pinError, SipgateLoadError, uncheckable, describe } from "./sipgate-account-errors.js";

/** The files load({ integrity }) pins, by the names integrity.json uses. */
export const pinnable = { wasm: "sipgate-account.wasm", wasmExec: "wasm_exec.js", worker: "sipgate-account-host.js" };

/**
 * pins reads load()'s integrity option: Subresource Integrity values by
 * file name, as integrity.json has them (the whole manifest may be given;
 * names of other files are ignored). Given at all, it must pin every file
 * the module runs: a file left out could not be checked.
 */
export function pins(integrity) {
  const pinned = {};
  if (integrity === undefined) return pinned;
  if (typeof integrity !== "object" || integrity === null) {
    throw new TypeError(`load(): integrity must be an object of integrity values by file name (integrity.json), not ${integrity === null ? "null" : typeof integrity}`);
  }
  for (const [file, name] of Object.entries(pinnable)) {
    const value = integrity[name];
    if (value === undefined) {
      throw new SipgateLoadError(`load(): integrity has no value for ${name}, so it could not be checked: give every file's value ` +
        "(the whole of integrity.json may be given)", name, { code: "INTEGRITY" });
    }
    if (typeof value !== "string" || !/^(sha256|sha384|sha512)-[A-Za-z0-9+/]+={0,2}$/.test(value.trim())) {
      throw new TypeError(`load(): integrity[${JSON.stringify(name)}] must be an integrity value such as "sha384-…" (integrity.json has them)`);
    }
    pinned[file] = value.trim();
  }
  return pinned;
}

/** Whether load() was given pins. */
export const pinned = (files) => Object.keys(files.integrity).length > 0;

/** checkable refuses a pin for a file with no URL to check it at. */
export function checkable(files, file) {
  if (!files[file]) {
    throw uncheckable(pinnable[file], "this copy of sipgate-account.js has no URL of its own, so name the file's URL (load({ workerURL, wasmExecURL })).");
  }
}

/**
 * The text of a file, fetched with its pin where load() has one: the
 * browser then hands it over only if its bytes are the pinned ones.
 */
export async function verifiedText(files, file) {
  checkable(files, file);
  const url = files[file];
  let resp;
  try {
    resp = await fetch(url, { integrity: files.integrity[file] });
  } catch (err) {
    if (files.integrity[file] && (await unlike(url, files.integrity[file]))) throw pinError(url, pinnable[file], files.integrity[file]);
    throw describe({ stage: file === "wasmExec" ? "runtime" : "host", error: String(err) }, files);
  }
  if (!resp.ok) throw describe({ stage: file === "wasmExec" ? "runtime" : "host", status: resp.status }, files);
  return resp.text();
}

/**
 * Adds a script element for a file, with its pin when there is one, which
 * the browser checks before it runs a byte of it. module: a module script
 * (the host), else a classic one (wasm_exec.js).
 */
export function script(files, file, module) {
  const url = files[file];
  const stage = file === "wasmExec" ? "runtime" : "host";
  return new Promise((resolve, reject) => {
    const el = document.createElement("script");
    if (module) el.type = "module";
    el.src = url.href;
    if (files.integrity[file]) el.integrity = files.integrity[file];
    el.crossOrigin = "anonymous";
    // The page's policy may block the file: that is told by a violation
    // event (a task of its own, so one more task is waited for), never by
    // the error event, which is the same for a refused pin.
    let violation = null;
    const record = (e) => {
      if (e.blockedURI && url.href.startsWith(e.blockedURI)) violation ??= { directive: e.effectiveDirective || e.violatedDirective };
    };
    document.addEventListener("securitypolicyviolation", record);
    const done = () => document.removeEventListener("securitypolicyviolation", record);
    el.onload = () => {
      done();
      resolve();
    };
    // A pinned script that its server serves, that no policy blocked and
    // that still did not run was refused by its pin: the bytes the
    // browser's script loader got are not the pinned ones (whatever
    // fetch() gets).
    el.onerror = async () => {
      await new Promise((next) => setTimeout(next, 0));
      done();
      if (violation) return reject(describe({ stage, violation }, files));
      const refused = files.integrity[file] && (await served(url));
      reject(refused ? pinError(url, pinnable[file], files.integrity[file]) : describe({ stage }, files));
    };
    document.head.append(el);
  });
}

// served tells whether a file's server answers it with 2xx.
async function served(url) {
  try {
    const resp = await fetch(url, { cache: "no-store" });
    resp.body?.cancel();
    return resp.ok;
  } catch {
    return false;
  }
}

/**
 * unlike tells whether a file's bytes, fetched again without a pin, differ
 * from an integrity value: the browser reports a mismatch only as a failed
 * fetch, like a network error.
 */
export async function unlike(url, integrity) {
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
