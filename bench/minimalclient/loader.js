// Loads minimal.wasm as web/app.js loads the module, with the same marks.
"use strict";
(async () => {
  performance.mark("minimal-load");
  const go = new Go();
  const { instance } = await WebAssembly.instantiateStreaming(fetch("minimal.wasm"), go.importObject);
  performance.mark("minimal-compiled");
  go.run(instance);
  performance.mark("minimal-ready");
  document.documentElement.dataset.ready = "true";
})();
