// make bench, in the page under test: the plain-JavaScript call a user
// would otherwise write, the minimal Go client's call, ours, and timers for
// each. cmd/bench sets globalThis.benchConfig = {base, user, pass} first.
(() => {
  const { base, user, pass } = globalThis.benchConfig;
  globalThis.plainCall = async () => {
    const r = await fetch(base + "/account", {
      headers: { Authorization: "Basic " + btoa(user + ":" + pass), Accept: "application/json" },
      credentials: "omit", redirect: "error",
    });
    const body = await r.text();
    return { ok: r.ok, status: r.status, body, account: r.ok ? JSON.parse(body) : null };
  };
  globalThis.ourCall = () => fetchAccount(user, pass, { baseURL: base });
  globalThis.minimalCall = async () => {
    const r = await minimalGet(base + "/account", "Basic " + btoa(user + ":" + pass));
    return { ok: r.status === 200 };
  };
  // The floor: bench/minimalclient, on the page's thread with script tags
  // (served under /bench/minimal/ with its brotli copy, like the module).
  // Each instance below runs a copy of its own (?copy=, see cmd/bench's
  // copies): no kind's code is kept warm by another kind's calls.
  globalThis.loadMinimal = async () => {
    await new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = "/bench/minimal/wasm_exec.js";
      s.onload = resolve;
      s.onerror = reject;
      document.head.append(s);
    });
    const go = new Go();
    const { instance } = await WebAssembly.instantiateStreaming(fetch("/bench/minimal/minimal.wasm?copy=page"), go.importObject);
    go.run(instance);
  };
  // The floor in a module Worker (bench/minimalclient/worker.js), called
  // with a message per call, as the module is in its Worker; and the
  // module itself in such a Worker (module-worker.js), without its loader.
  const messageWorker = (url, message) => new Promise((resolve, reject) => {
    const worker = new Worker(url, { type: "module" });
    const pending = new Map();
    let next = 0;
    worker.onerror = reject;
    worker.onmessage = (e) => {
      if (e.data.ready) {
        resolve((settle) => {
          const id = ++next;
          pending.set(id, (d) => settle({ ok: d.status === 200, status: d.status }));
          worker.postMessage({ id, ...message });
        });
        return;
      }
      const settle = pending.get(e.data.id);
      pending.delete(e.data.id);
      settle(e.data);
    };
  });
  // A second floor Worker, timed like the first: the two differ by the
  // measurement's own noise alone.
  globalThis.loadMinimalWorker = async () => {
    const message = { url: base + "/account", authorization: "Basic " + btoa(user + ":" + pass) };
    const [send, twin] = [await messageWorker("/bench/minimal/worker.js?copy=floor", message), await messageWorker("/bench/minimal/worker.js?copy=twin", message)];
    globalThis.minimalWorkerCall = () => new Promise(send);
    globalThis.minimalTwinCall = () => new Promise(twin);
  };
  globalThis.loadModuleWorker = async () => {
    const send = await messageWorker("/bench/minimal/module-worker.js?copy=alone", { user, pass, baseURL: base });
    globalThis.moduleWorkerCall = () => new Promise(send);
  };
  globalThis.timeEach = async (fn, n) => {
    const times = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const r = await fn();
      times.push(performance.now() - t0);
      if (!r.ok) throw new Error("call failed: " + r.status);
    }
    return times;
  };
  // timeRounds calls fns one after another, a round per order (a list of
  // indexes into fns), and returns each function's times.
  globalThis.timeRounds = async (fns, orders) => {
    const times = fns.map(() => []);
    for (const order of orders) {
      for (const i of order) {
        const t0 = performance.now();
        const r = await fns[i]();
        times[i].push(performance.now() - t0);
        if (!r.ok) throw new Error("call failed: " + r.status);
      }
    }
    return times;
  };
  globalThis.timeBurst = async (fn, n) => {
    const t0 = performance.now();
    const rs = await Promise.all(Array.from({ length: n }, fn));
    if (rs.some((r) => !r.ok)) throw new Error("a call failed");
    return performance.now() - t0;
  };
})();
