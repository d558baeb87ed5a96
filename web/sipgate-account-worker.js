// sipgate-account-worker.js: runs the Go module in a Web Worker, off the
// page's main thread, so that compiling and starting it never blocks the
// page. The loader (sipgate-account.js) starts it and forwards each call;
// this file only carries values across and reports facts. The module's
// rules and words stay in Go, the loader's words in the loader.
//
// Messages from the page:
//   {type: "start", wasm, wasmExec}        load and run the module
//   {type: "call", id, fn, args}           call fetchAccount or fetchAccountWithToken
//   {type: "abort", id}                    the call's AbortSignal fired
//   {type: "stats"}                        how large the module's memory is (for tests and the bench)
// Messages to the page:
//   {type: "compiled", download}          start-up steps; download: the module's sizes
//   {type: "ready"}                        as sent and unpacked (Resource Timing)
//   {type: "failed", failure}              the module could not start (facts)
//   {type: "settled", id, result | error}  a call's outcome
//   {type: "stats", memoryBytes}           the module's linear memory
"use strict";

const controllers = new Map(); // call id -> AbortController, while it runs
let memory; // the module's linear memory, once it runs

self.onmessage = (event) => {
  const m = event.data;
  if (m.type === "start") start(m);
  else if (m.type === "call") call(m);
  else if (m.type === "abort") controllers.get(m.id)?.abort();
  else if (m.type === "stats") self.postMessage({ type: "stats", memoryBytes: memory ? memory.buffer.byteLength : 0 });
};

// Policy violations in this worker (a blob worker has the page's policy).
const violations = [];
self.addEventListener("securitypolicyviolation", (e) => {
  violations.push({ uri: e.blockedURI, directive: e.effectiveDirective || e.violatedDirective });
});

async function start({ wasm, wasmExec }) {
  const fail = (failure) => self.postMessage({ type: "failed", failure });
  // The download starts at once, while wasm_exec.js loads.
  const response = fetch(wasm).then((resp) => ({ resp }), (err) => ({ err }));
  try {
    importScripts(wasmExec);
  } catch (err) {
    await nextTask();
    fail({ stage: "runtime", error: String(err), violation: blocked(wasmExec) });
    return;
  }
  if (typeof self.Go !== "function") {
    fail({ stage: "runtime", notGo: true });
    return;
  }
  const { resp, err } = await response;
  if (err) {
    await nextTask();
    fail({ stage: "fetch", error: String(err), violation: blocked(wasm) }); // the loader asks whether it is reachable
    return;
  }
  if (!resp.ok) {
    fail({ stage: "status", status: resp.status, statusText: resp.statusText });
    return;
  }
  const type = (resp.headers.get("Content-Type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/wasm") {
    fail({ stage: "type", type });
    return;
  }
  const go = new self.Go();
  let instance;
  try {
    ({ instance } = await WebAssembly.instantiateStreaming(resp, go.importObject));
  } catch (e) {
    fail({ stage: "compile", error: String(e && e.message) });
    return;
  }
  memory = instance.exports.mem;
  self.postMessage({ type: "compiled", download: downloadOf(wasm) });
  // run() settles only if the Go program exits, which it never should.
  go.run(instance).then(() => console.error("sipgate-account: the module stopped"));
  if (typeof self.fetchAccount !== "function" || typeof self.fetchAccountWithToken !== "function") {
    fail({ stage: "install" });
    return;
  }
  self.postMessage({ type: "ready" });
}

// downloadOf is what Resource Timing says of a file's download: this
// worker's own timeline, which the page cannot see.
function downloadOf(url) {
  const e = performance.getEntriesByName(new URL(url).href)[0];
  return e ? { encodedBytes: e.encodedBodySize, decodedBytes: e.decodedBodySize, transferBytes: e.transferSize } : null;
}

function blocked(url) {
  const href = new URL(url).href;
  return violations.find((v) => v.uri && (href === v.uri || href.startsWith(v.uri))) ?? null;
}

const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

// call runs one call with its arguments rebuilt as the page passed them
// (see the loader's marshal), so the module judges them as it would there.
async function call({ id, fn, args }) {
  const controller = new AbortController();
  controllers.set(id, controller);
  try {
    const result = await self[fn](...args.map((slot) => rebuild(slot, controller)));
    self.postMessage({ type: "settled", id, result });
  } catch (e) {
    self.postMessage({ type: "settled", id, error: { name: e && e.name, code: e && e.code, message: e && e.message } });
  } finally {
    controllers.delete(id);
  }
}

// rebuild turns a slot back into a value of the kind the page had: the
// value itself where it could be copied; otherwise a stand-in of the same
// type; an options object as an object whose keys read as they read there.
function rebuild(slot, controller) {
  if ("value" in slot) return slot.value;
  switch (slot.kind) {
    case "symbol":
      return Symbol("argument");
    case "function":
      return function argument() {};
    case "object":
      return {};
    case "signal":
      if (slot.aborted) controller.abort();
      return controller.signal;
    case "options": {
      const options = {};
      for (const [key, inner] of Object.entries(slot.keys)) {
        if ("threw" in inner) {
          Object.defineProperty(options, key, { get() { throw new Error(inner.threw); }, enumerable: true });
        } else {
          options[key] = rebuild(inner, controller);
        }
      }
      return options;
    }
  }
  return undefined;
}
