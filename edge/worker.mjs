// The Worker's entry: one Go instance per isolate (edge/main.go) decides
// every request; this file does the request's I/O in the request's own
// context (the Workers runtime ties every stream and timer to the request
// that made it): the upstream fetch within its timeout and size cap, and
// the static assets. make edge copies it, Go's wasm_exec.js and app.wasm
// into edge/build/.
import "./wasm_exec.js";
import mod from "./app.wasm";

let edge; // the Go side, started by the isolate's first request
let go; // its runtime, which says whether the Go program has exited
let security = ""; // the security headers, as the Go side last said them

// goSide is the running Go side, started afresh when there is none or the
// one there was has exited: one failure never ends the isolate's service.
function goSide() {
  if (!edge || go.exited) {
    go = new globalThis.Go();
    // run() returns once main waits for calls: the functions are installed.
    go.run(new WebAssembly.Instance(mod, go.importObject)).then(() => console.error("sipgate-account edge: the Go side stopped"));
    edge = globalThis.__sipgateEdge;
    security = edge.security;
  }
  return edge;
}

// The shapes that cross to the Go side and back, written and read once
// here (edge/crossings.go holds the other side): plain values, headers as
// "name: value" lines and a body as one byte array.
const headerText = (headers) => [...headers].map(([k, v]) => `${k}: ${v}`).join("\n");
const headerPairs = (text) => text.split("\n").filter(Boolean).map((line) => {
  const i = line.indexOf(": ");
  return [line.slice(0, i), line.slice(i + 2)];
});
// workerd names the connection's address; Cloudflare sets a header instead.
const requestShape = (request) => ({
  method: request.method, url: request.url, headers: headerText(request.headers),
  hasBody: request.body !== null, clientAddress: request.cf?.clientIp,
});

export default {
  async fetch(request, env) {
    try {
      return await handle(request, env);
    } catch (e) {
      // Go recovers its own panics; this is a crossing that failed anyway
      // (the Go program exited, say). The next request starts a fresh one.
      console.error("sipgate-account edge: internal error:", String(e && e.message));
      edge = undefined;
      return new Response("internal error in the proxy; the next request is served as usual", {
        status: 500, headers: [...headerPairs(security), ["Content-Type", "text/plain; charset=utf-8"]],
      });
    }
  },
};

async function handle(request, env) {
  const side = goSide();
  let d = side.serve(requestShape(request), env);
  if (d.kind === "count") {
    // Cloudflare's Rate Limiting binding counts for every isolate; Go
    // named the binding and the key, and decides with the answer.
    const { success } = await env[d.binding].limit({ key: d.key });
    d = side.serve({ ...requestShape(request), counted: success }, env);
  }
  if (d.kind === "answer") return respond(d);
  if (d.kind === "asset") return asset(side, env, request, d.path);
  return respond(await forward(side, { method: request.method, path: new URL(request.url).pathname, url: request.url }, d));
}

// respond sends an answer shape.
function respond({ status, headers, body }) {
  const empty = status === 204 || status === 304;
  return new Response(empty ? null : body, { status, headers: headerPairs(headers) });
}

// forward makes the one upstream call Go planned (a forward shape: the
// proxy's GET, or the sign-in's token call, a POST with a body), and
// hands what came back to Go in one crossing: the status, the headers and
// the body read up to maxBytes+1 bytes (finish, which first checks the
// status and headers; an answer it refuses was read no further than the
// cap); a call that fails or runs out of time, to failed. call is the
// request's method, path and URL.
async function forward(side, call, f) {
  const signal = AbortSignal.timeout(f.timeoutMs);
  let resp;
  try {
    resp = await fetch(f.url, { method: f.method, headers: headerPairs(f.headers), body: f.body, redirect: "manual", signal });
  } catch (e) {
    return side.failed({ ...call, timedOut: signal.aborted, message: String(e && e.message) });
  }
  const answer = { ...call, status: resp.status, headers: headerText(resp.headers) };
  let body;
  try {
    body = await readUpTo(resp.body, f.maxBytes + 1);
  } catch (e) {
    return side.failed({ ...call, timedOut: signal.aborted, message: String(e && e.message) });
  }
  return side.finish({ ...answer, body });
}

// readUpTo reads a body until limit bytes or its end, whichever comes
// first; the rest is never read.
async function readUpTo(stream, limit) {
  if (!stream) return new Uint8Array(0);
  const chunks = [];
  let n = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    n += value.length;
    if (n >= limit) {
      reader.cancel().catch(() => {});
      break;
    }
  }
  if (chunks.length === 1 && n <= limit) return chunks[0];
  const out = new Uint8Array(Math.min(n, limit));
  let at = 0;
  for (const c of chunks) {
    const take = Math.min(c.length, out.length - at);
    out.set(c.subarray(0, take), at);
    at += take;
    if (at === out.length) break;
  }
  return out;
}

// asset serves a file of web/ from the ASSETS binding, with the headers Go
// adds to every file.
async function asset(side, env, request, path) {
  if (!env.ASSETS) return new Response("Not Found", { status: 404 });
  const url = new URL(request.url);
  url.pathname = path;
  const resp = await env.ASSETS.fetch(new Request(url, request));
  const headers = new Headers(resp.headers);
  for (const [k, v] of headerPairs(side.assetHeaders({ path, status: resp.status }))) headers.set(k, v);
  return new Response(resp.body, { status: resp.status, statusText: resp.statusText, headers });
}
