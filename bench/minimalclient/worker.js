// The floor in a module Worker, called the way the module is in its
// Worker: one message a call, one back. make bench times it beside the
// module's calls from the page, so that both cross the same boundary.
await import("./wasm_exec.js");
const go = new Go();
// A query on the worker's URL goes on the module's (the engines' bench
// loads it afresh each run).
const { instance } = await WebAssembly.instantiateStreaming(fetch("minimal.wasm" + location.search), go.importObject);
go.run(instance);
self.onmessage = async (e) => {
  const { id, url, authorization } = e.data;
  try {
    const r = await minimalGet(url, authorization);
    self.postMessage({ id, status: r.status, body: r.body });
  } catch (err) {
    self.postMessage({ id, error: String(err) });
  }
};
self.postMessage({ ready: true });
