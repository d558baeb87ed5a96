// sipgate-account-host.js: starts the Go module and serves its calls, the
// same way wherever it runs. The loader (sipgate-account.js) runs it in a
// module Web Worker, so that compiling and starting the module never blocks
// the page; where no Worker may start, the loader runs this same module on
// the page's thread over a MessageChannel. One start sequence, one message
// protocol, one failure path: page and Worker behave alike by construction.
//
// It has no imports, so a bundler may bundle it as a worker or copy it as
// a plain file, and the loader may start a Worker from its text, with
// wasm_exec.js's (checked against their pins where load() has them); it is
// a module either way. In a worker it serves the worker's own port as soon
// as it runs; on a page it only exports serve(), and registers it for the
// loader, which adds it as a script element where its bytes are pinned.
//
// This file only carries values across and reports facts: the module's
// rules and words stay in Go, the loader's words in the loader.
//
// The messages, declared once here: a test holds this file and the
// loader's side (sipgate-account-calls.js) to this list.
// Messages from the loader:
//   {type: "start", wasm, wasmExec,        load and run the module; integrity:
//    integrity}                            the .wasm's pinned value, if any
//   {type: "call", id, fn, args}           call one of the module's exported functions
//   {type: "abort", id}                    the call's AbortSignal fired
//   {type: "stats"}                        how large the module's memory is: the tests and the
//                                          bench read it (a size, no data), which the page
//                                          cannot read of a Worker otherwise
// Ahead of the messages, a Worker the loader starts from a blob: holds
//   globalThis[Symbol.for("sipgate-account.ahead")] = {wasm, integrity}
// before this file's text: the .wasm's download starts as the Worker runs,
// not after the start message (its wasm and integrity must match).
// Messages to the loader:
//   {type: "progress", received, total}    the module's download so far: bytes received (as
//                                          unpacked), at most one message every 250 ms; total:
//                                          the size, where the server says it (no coding), else null
//   {type: "compiled", download,           compiled; download: the module's sizes as sent and
//    timeline}                             unpacked (Resource Timing); timeline: when this thread
//                                          began to serve, got "start", asked for the .wasm, had
//                                          Go's runtime, the .wasm's answer and the compiled
//                                          module (ms since the epoch: a worker's clock is not
//                                          the page's)
//   {type: "ready", exports}               running; exports: the functions the module declares,
//                                          [{name, optionsAt, optionKeys}]: where each takes its
//                                          options and which keys it reads
//   {type: "failed", failure}              the module could not start (facts)
//   {type: "settled", id, result | error}  a call's outcome; error: the rejection's name,
//                                          message and facts (code, timeoutMs, …)
//   {type: "stats", memoryBytes}           the module's linear memory

// The module's exported functions, as Go declares them where it runs.
const EXPORTS = Symbol.for("sipgate-account.exports");

const inWorker = typeof WorkerGlobalScope === "function" && globalThis instanceof WorkerGlobalScope;

// The .wasm's address, given ahead of the start message (see above).
const AHEAD = Symbol.for("sipgate-account.ahead");

/**
 * Serves the protocol above on port (a worker's global scope or a
 * MessagePort): one Go instance per port.
 */
export function serve(port) {
  const timeline = { serving: now() }; // where this thread's start-up time goes
  const controllers = new Map(); // call id -> AbortController, while it runs
  let module; // the module's own functions and memory, once it runs
  const send = (m) => port.postMessage(m);
  // A download started ahead of the start message, taken once.
  const ahead = globalThis[AHEAD];
  delete globalThis[AHEAD];
  let early = ahead ? download(ahead.wasm, ahead.integrity) : null;

  // Policy violations seen while starting: a blocked file is told apart
  // from one the network or its server failed. A worker has the policy of
  // its own script (or, from a blob:, the page's); the page has its own.
  const violations = [];
  const target = typeof document === "undefined" ? globalThis : document;
  const record = (e) => violations.push({ uri: e.blockedURI, directive: e.effectiveDirective || e.violatedDirective });
  const blocked = (url) => {
    const href = new URL(url).href;
    return violations.find((v) => v.uri && (href === v.uri || href.startsWith(v.uri))) ?? null;
  };

  async function start({ wasm, wasmExec, integrity }) {
    timeline.started = now();
    target.addEventListener("securitypolicyviolation", record);
    try {
      const failure = await run(wasm, wasmExec, integrity);
      if (failure) send({ type: "failed", failure });
    } finally {
      target.removeEventListener("securitypolicyviolation", record);
    }
  }

  // run starts the module and returns nothing, or the facts of a failure.
  // integrity pins the .wasm: the browser refuses other bytes (the loader
  // tells that apart from a network error).
  async function run(wasm, wasmExec, integrity) {
    // The download starts at once (or started ahead), while wasm_exec.js
    // loads.
    const pin = integrity ?? "";
    const got = early && early.wasm === wasm && early.integrity === pin ? early : download(wasm, pin);
    if (early && got !== early) early.response.then(({ resp }) => resp?.body?.cancel());
    early = null;
    timeline.fetching = got.at;
    const response = got.response;
    if (typeof globalThis.Go !== "function") {
      try {
        // Go's wasm_exec.js is a plain script that defines globalThis.Go;
        // imported as a module it runs the same, in a module worker, a
        // classic one and on the page alike (importScripts exists only in
        // classic workers).
        await import(/* webpackIgnore: true */ /* @vite-ignore */ wasmExec);
      } catch (err) {
        await nextTask();
        const violation = blocked(wasmExec);
        return { stage: "runtime", error: String(err), violation, type: violation ? null : await typeOf(wasmExec) };
      }
      if (typeof globalThis.Go !== "function") return { stage: "runtime", notGo: true };
    }
    timeline.runtime = now();
    const { resp, err } = await response;
    timeline.answered = now();
    if (err) {
      await nextTask();
      return { stage: "fetch", error: String(err), violation: blocked(wasm) }; // the loader asks whether it is reachable
    }
    if (!resp.ok) return { stage: "status", status: resp.status, statusText: resp.statusText };
    const type = (resp.headers.get("Content-Type") ?? "").split(";")[0].trim().toLowerCase();
    if (type !== "application/wasm") return { stage: "type", type };
    const go = new globalThis.Go();
    let instance;
    try {
      ({ instance } = await WebAssembly.instantiateStreaming(counted(resp, send), go.importObject));
    } catch (e) {
      return { stage: "compile", error: String(e && e.message) };
    }
    timeline.compiled = now();
    send({ type: "compiled", download: downloadOf(wasm), timeline });
    // run() settles only if the Go program exits, which it never should.
    go.run(instance).then(() => console.error("sipgate-account: the module stopped; reload the page"));
    const exports = globalThis[EXPORTS];
    if (!Array.isArray(exports) || exports.some(({ name }) => typeof globalThis[name] !== "function")) return { stage: "install" };
    // The module's own functions, kept here: on the page's thread the
    // loader puts its forwarders on globalThis in their place.
    module = { functions: Object.fromEntries(exports.map(({ name }) => [name, globalThis[name]])), memory: instance.exports.mem };
    send({ type: "ready", exports: exports.map(({ name, optionsAt, optionKeys }) => ({ name, optionsAt, optionKeys: [...optionKeys] })) });
  }

  // call runs one call with its arguments rebuilt as the page passed them
  // (see the loader's crossing), so the module judges them as it would there.
  // A call whose options hold no AbortSignal gets no controller.
  async function call({ id, fn, args }) {
    let controller = null;
    const control = () => {
      controller ??= new AbortController();
      controllers.set(id, controller);
      return controller;
    };
    try {
      const result = await module.functions[fn](...args.map((crossed) => rebuild(crossed, control)));
      send({ type: "settled", id, result });
    } catch (e) {
      send({ type: "settled", id, error: errorFacts(e) });
    } finally {
      if (controller) controllers.delete(id);
    }
  }

  port.onmessage = (event) => {
    const m = event.data;
    if (m.type === "start") start(m);
    else if (m.type === "call") call(m);
    else if (m.type === "abort") controllers.get(m.id)?.abort();
    else if (m.type === "stats") send({ type: "stats", memoryBytes: module ? module.memory.buffer.byteLength : 0 });
  };
}

// errorFacts is a rejection as it crosses to the page: its name, message
// and the facts the module set on it (code, timeoutMs), which the loader
// turns back into the page's own error class.
function errorFacts(e) {
  const facts = { name: e?.name, message: e?.message ?? String(e) };
  for (const [key, value] of Object.entries(e ?? {})) {
    if (["string", "number", "boolean"].includes(typeof value)) facts[key] = value;
  }
  return facts;
}

// counted is the module's response with its body counted as it streams
// into the compiler, the count sent as progress messages: a visitor on a
// slow link is told how much has arrived.
function counted(resp, send) {
  if (!resp.body) return resp;
  const coded = (resp.headers.get("Content-Encoding") ?? "") !== "";
  const total = coded ? null : Number(resp.headers.get("Content-Length")) || null;
  let received = 0;
  let last = 0;
  const counter = new TransformStream({
    transform(chunk, controller) {
      received += chunk.byteLength;
      const now = performance.now();
      if (now - last >= 250) {
        last = now;
        send({ type: "progress", received, total });
      }
      controller.enqueue(chunk);
    },
  });
  return new Response(resp.body.pipeThrough(counter), { status: resp.status, statusText: resp.statusText, headers: resp.headers });
}

// downloadOf is what Resource Timing says of a file's download, on this
// thread's own timeline (a worker's is not the page's).
function downloadOf(url) {
  const e = performance.getEntriesByName(new URL(url).href)[0];
  return e ? { encodedBytes: e.encodedBodySize, decodedBytes: e.decodedBodySize, transferBytes: e.transferSize } : null;
}

// download asks for the .wasm; its response never rejects: {resp} or {err}.
function download(wasm, integrity) {
  const response = fetch(wasm, { integrity }).then((resp) => ({ resp }), (err) => ({ err }));
  return { wasm, integrity, at: now(), response };
}

// typeOf is the media type a file is served as, null when it cannot be
// fetched: a module script must be JavaScript, and a server that answers
// a missing file with a page sends text/html.
async function typeOf(url) {
  try {
    const resp = await fetch(url);
    resp.body?.cancel();
    return resp.ok ? (resp.headers.get("Content-Type") ?? "").split(";")[0].trim().toLowerCase() : null;
  } catch {
    return null;
  }
}

// now is this thread's time on the epoch's clock, which every thread shares.
const now = () => performance.timeOrigin + performance.now();

// A violation event is queued as a task of its own; this lets it arrive
// before the decision.
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

// rebuild turns a crossed argument back into a value of the kind the page
// had: a primitive as it came; otherwise a stand-in of the same type; an
// options object as an object whose keys read as they read there.
// control() gives the call's AbortController, made on first use.
function rebuild(crossed, control) {
  if (typeof crossed !== "object" || crossed === null) return crossed;
  switch (crossed.kind) {
    case "symbol":
      return Symbol("argument");
    case "function":
      return function argument() {};
    case "object":
      return {};
    case "signal": {
      const controller = control();
      if (crossed.aborted) controller.abort();
      return controller.signal;
    }
    case "options": {
      const options = {};
      for (const [key, inner] of Object.entries(crossed.keys)) {
        if (typeof inner?.threw === "string") {
          Object.defineProperty(options, key, { get() { throw new Error(inner.threw); }, enumerable: true });
        } else {
          options[key] = rebuild(inner, control);
        }
      }
      return options;
    }
  }
  return undefined;
}

if (inWorker) serve(globalThis);
else globalThis[Symbol.for("sipgate-account.serve")] = serve;
