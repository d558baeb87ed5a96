// sipgate-account-calls.js: the page's side of the messages with the host
// (sipgate-account-host.js, whose header lists them): starting the module
// over a port, and the page's functions that forward each call to it.
//
// The functions are the ones the module declares (Go's exports, which the
// host passes on in its ready message): each with the position of its
// options and the option keys it reads. Nothing here names them, so a new
// exported function needs no change on the page.

import { callError, describe, pinError, SipgateError } from "./sipgate-account-errors.js";
import { unlike } from "./sipgate-account-integrity.js";

/**
 * The event the loader dispatches on the page's window while the module
 * downloads: detail {received, total}, bytes received as unpacked and the
 * size where the server says it (else null), at most every 250 ms.
 */
export const PROGRESS = "sipgate-account-progress";

/**
 * Runs the start messages on port (a Worker, or a MessagePort whose other
 * end the host serves on the page). Resolves with the module's functions
 * on the page once it runs, rejects when it could not start, and resolves
 * null when a Worker never ran the host at all. started is called once the
 * port is first heard from.
 */
export function open(port, files, started) {
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
      if (m.type === "progress") {
        // For the page and the element, which tell a visitor on a slow
        // link how much of the module has arrived.
        globalThis.dispatchEvent?.(new CustomEvent(PROGRESS, { detail: { received: m.received, total: m.total } }));
      } else if (m.type === "compiled") performance.mark("sipgate-compiled", { detail: { ...m.download, timeline: m.timeline } });
      else if (m.type === "failed") {
        port.terminate?.();
        port.close?.();
        const f = m.failure;
        // The worker's origin is the page's: the page asks whether the
        // bytes were not the pinned ones, or whether the server is there.
        if (f.stage === "fetch" && !f.violation) {
          (async () => {
            if (files.integrity.wasm && (await unlike(files.wasm, files.integrity.wasm))) {
              return reject(pinError(files.wasm, "sipgate-account.wasm", files.integrity.wasm));
            }
            reject(describe({ ...f, reachable: await reachable(files.wasm) }, files));
          })();
        } else reject(describe(f, files));
      } else if (m.type === "ready") {
        resolve(forwarders(port, m.exports));
      }
    };
    port.postMessage({ type: "start", wasm: files.wasm.href, wasmExec: files.wasmExec.href, integrity: files.integrity.wasm });
  });
}

// forwarders are the module's functions on the page, by name: each call's
// arguments go to the host, its outcome comes back.
function forwarders(port, exports) {
  const pending = new Map();
  let next = 0;
  port.onmessage = (e) => {
    const m = e.data;
    const call = pending.get(m.id);
    if (m.type !== "settled" || !call) return;
    pending.delete(m.id);
    call.done?.();
    if (m.error) call.reject(callError(m.error));
    else call.resolve(m.result);
  };
  port.onerror = (e) => {
    e.preventDefault?.();
    for (const [id, call] of pending) {
      pending.delete(id);
      call.done?.();
      call.reject(new SipgateError("internal error in the module (please report it): its worker failed", { code: "INTERNAL" }));
    }
  };
  const forward = ({ name, optionsAt, optionKeys }) => function (...args) {
    return new Promise((resolve, reject) => {
      const id = ++next;
      const signals = [];
      const crossed = [];
      for (let i = 0; i <= optionsAt; i++) crossed.push(i === optionsAt ? crossOptions(args[i], optionKeys, signals) : cross(args[i]));
      let done = null;
      if (signals.length > 0) {
        const onAbort = () => port.postMessage({ type: "abort", id });
        for (const s of signals) s.addEventListener("abort", onAbort);
        done = () => { for (const s of signals) s.removeEventListener("abort", onAbort); };
      }
      pending.set(id, { resolve, reject, done });
      port.postMessage({ type: "call", id, fn: name, args: crossed });
    });
  };
  return Object.fromEntries(exports.map((ex) => [ex.name, forward(ex)]));
}

// A string longer than this is cut before it crosses to the host: the
// module refuses it by its length either way (far below this), and a
// hundred million characters need not be copied to be refused.
const CROSSING_LIMIT = 1 << 16;

// cross carries one argument to the host: as it is when it is a
// primitive, which the host gets as a copy; otherwise as its kind, from
// which the host builds a stand-in of the same type (its rebuild). The
// module then judges it as it would on the page. Only what is not a
// primitive is wrapped, so a call of strings crosses as strings.
function cross(v) {
  switch (typeof v) {
    case "string":
      return v.length > CROSSING_LIMIT ? v.slice(0, CROSSING_LIMIT + 1) : v;
    case "symbol":
    case "function":
      return { kind: typeof v };
    case "object":
      if (v === null) return null;
      return isAbortSignal(v) ? { kind: "signal", aborted: v.aborted } : { kind: "object" };
  }
  return v; // number, boolean, bigint, undefined
}

// crossOptions reads the options the module reads, once each and in its
// order, so that a getter or a Proxy trap runs as it would: a throw is
// carried over and thrown again in the host. A key that reads undefined
// is left out: it reads undefined there too. An AbortSignal stays on the
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
    if (v === undefined) continue;
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
