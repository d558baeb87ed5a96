// The module itself in a module Worker, called as the floor is in its
// Worker (worker.js): one message a call, one back, with no loader and no
// host in between. make bench times it beside both, which splits the
// module's cost per call into its Go side and the loader's messages.
await import("./wasm_exec.js");
const go = new Go();
// A query on the worker's URL goes on the module's (a copy of its own).
const { instance } = await WebAssembly.instantiateStreaming(fetch("/sipgate-account.wasm" + location.search), go.importObject);
go.run(instance);
self.onmessage = async (e) => {
  const { id, user, pass, baseURL } = e.data;
  try {
    const r = await fetchAccount(user, pass, { baseURL });
    self.postMessage({ id, status: r.status, body: r.body });
  } catch (err) {
    self.postMessage({ id, error: String(err) });
  }
};
self.postMessage({ ready: true });
