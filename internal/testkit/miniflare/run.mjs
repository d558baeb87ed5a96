// Runs the built edge Worker (edge/build) in miniflare, Cloudflare's local
// simulator, which implements bindings that workerd alone does not (Rate
// Limiting). The tests start it: node run.mjs CONFIG, CONFIG a JSON object
// {miniflare, build, port, vars, rateLimit, binding, period}: where `make miniflare`
// installed it, the Worker's build folder, the port on 127.0.0.1, its
// variables, and the binding's simple.limit (0: no binding). It prints
// "ready URL" once the Worker answers.
import { createRequire } from "node:module";
import path from "node:path";

const cfg = JSON.parse(process.argv[2]);
const { Miniflare } = createRequire(path.join(cfg.miniflare, "node_modules") + "/")("miniflare");
const file = (name) => path.join(cfg.build, name);
const mf = new Miniflare({
  modulesRoot: cfg.build,
  modules: [
    { type: "ESModule", path: file("worker.mjs") },
    { type: "ESModule", path: file("wasm_exec.js") },
    { type: "CompiledWasm", path: file("app.wasm") },
  ],
  compatibilityDate: "2025-01-01",
  bindings: cfg.vars,
  ratelimits: cfg.rateLimit > 0 ? { [cfg.binding]: { namespace_id: "1001", simple: { limit: cfg.rateLimit, period: cfg.period } } } : {},
  host: "127.0.0.1",
  port: cfg.port,
});
const url = await mf.ready;
console.log("ready " + url.href);
// Stopped, it stops the runtime it started too.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await mf.dispose();
    process.exit(0);
  });
}
