// sipgate-account-start.js: the ways to start the module's host
// (sipgate-account-host.js): in a module Web Worker, tried in order, and
// on the page's thread where no Worker may start. The same start messages
// follow either way (sipgate-account-calls.js).
//
// Which way binds the page's Content-Security-Policy: a Worker started
// from a blob: URL takes the page's own policy, wherever the page's policy
// comes from (a header on the HTML only, or a <meta> tag); a Worker
// started from its URL takes the policy sent with its script. So the
// blob: way comes first wherever the host's URL is known; a bundler's
// worker (the literal below) starts by its URL.

import { open } from "./sipgate-account-calls.js";
import { describe, pageThreadWarning } from "./sipgate-account-errors.js";
import { checkable, pinned, script, verifiedText } from "./sipgate-account-integrity.js";
import { shown } from "./sipgate-account-urls.js";

/**
 * Starts the host and resolves with the module's functions and the thread
 * they run on ("worker" or "page").
 */
export async function start(files) {
  if (files.inWorker && typeof Worker === "function" && typeof document !== "undefined") {
    // Why each way failed, and whether this page's policy said so (as a
    // throw, or as a violation event in some engines).
    const why = { lines: [], policy: false };
    const violated = (e) => { why.policy ||= /^(worker|child|script)-src/.test(e.effectiveDirective || e.violatedDirective); };
    document.addEventListener("securitypolicyviolation", violated);
    try {
      for (const way of workerWays(files)) {
        const worker = await way.make(why);
        if (!worker) continue;
        const fns = await open(worker, files, way.started);
        if (fns) return { fns, thread: "worker" };
        why.lines.push(`${way.name}: it did not run (${way.url ? shown(way.url) : "the bundled worker"}: missing, not served as a JavaScript module, ` +
          "or refused by CORS or by this page's Content-Security-Policy, whose worker-src must allow blob: and the file's origin)");
      }
    } finally {
      document.removeEventListener("securitypolicyviolation", violated);
    }
    console.warn(pageThreadWarning(why, files));
  }
  const serve = await hostOnPage(files);
  const { port1, port2 } = new MessageChannel();
  serve(port2);
  return { fns: await open(port1, files), thread: "page" };
}

// The host's serve() where it runs on the page, registered by the host
// module when it is evaluated on a page (see its last line).
const SERVE = Symbol.for("sipgate-account.serve");

// hostOnPage runs the host module on the page and returns its serve().
// Pinned, the host and wasm_exec.js come as script elements with their
// integrity values, which the browser checks before they run. Otherwise
// the host beside this file is imported, as a bundler bundles this literal
// import (a chunk of its own, fetched only when it is needed).
async function hostOnPage(files) {
  if (pinned(files)) {
    checkable(files, "wasmExec");
    checkable(files, "worker");
    await script(files, "wasmExec", false);
    delete globalThis[SERVE];
    await script(files, "worker", true);
    return globalThis[SERVE];
  }
  try {
    return (await import("./sipgate-account-host.js")).serve;
  } catch (err) {
    throw describe({ stage: "host", error: String(err) }, { ...files, worker: new URL("./sipgate-account-host.js", import.meta.url) });
  }
}

// workerWays are the ways to start the host module in a module Worker, in
// the order they are tried.
function workerWays(files) {
  const url = files.worker;
  // blobWorker starts a module Worker from a blob: URL holding parts, and
  // forgets the URL if it cannot; started forgets it once the Worker ran
  // (or failed), when it is not needed again.
  let blob;
  const blobWorker = (why, name, parts) => {
    blob = URL.createObjectURL(new Blob(parts, { type: "text/javascript" }));
    const worker = attempt(why, name, () => new Worker(blob, { type: "module" }));
    if (!worker) URL.revokeObjectURL(blob);
    return worker;
  };
  const started = () => URL.revokeObjectURL(blob);
  // From its files' text: wasm_exec.js and the host module, fetched by the
  // page (checked against their pins where load() has them) and started
  // together as one blob: module, whose first line gives the .wasm's
  // address, so the Worker asks for it as soon as it runs. Pinned code runs
  // only from the bytes the browser checked: no other way is tried.
  const name = "the Worker from its files";
  const ways = [];
  if (url || pinned(files)) {
    ways.push({
      name,
      url,
      make: async (why) => {
        let texts;
        try {
          texts = await Promise.all([verifiedText(files, "wasmExec"), verifiedText(files, "worker")]);
        } catch (err) {
          if (pinned(files)) throw err;
          why.lines.push(`${name}: ${err.message}`);
          return null;
        }
        const ahead = JSON.stringify({ wasm: files.wasm.href, integrity: files.integrity.wasm ?? "" });
        return blobWorker(why, name, [`globalThis[Symbol.for("sipgate-account.ahead")] = ${ahead};\n`, texts[0], "\n", texts[1]]);
      },
      started,
    });
  }
  if (pinned(files)) return ways;
  // By its URL, written as the literal that bundlers recognize and bundle
  // as a worker. A page whose policy is in a <meta> tag does not start it
  // this way: the Worker would not be bound by that policy.
  if (!metaPolicy()) {
    ways.push({
      name: "the Worker from its URL",
      url,
      make: (why) => attempt(why, "the Worker from its URL", () => files.named.worker
        ? new Worker(url, { type: "module" })
        : new Worker(new URL("./sipgate-account-host.js", import.meta.url), { type: "module" })),
    });
  }
  return ways;
}

function attempt(why, name, make) {
  try {
    return make();
  } catch (e) {
    // The browser's words may name the file's URL: shown without its query.
    const message = String(e && e.message !== undefined ? e.message : e).replace(/\bhttps?:\/\/[^\s'"]+/gi, (u) => shown(u));
    why.lines.push(`${name}: ${message}`);
    why.policy ||= /Content.Security.Policy/i.test(message);
    return null;
  }
}

// metaPolicy tells whether the page has a Content-Security-Policy in a
// <meta> tag.
function metaPolicy() {
  return [...document.querySelectorAll("meta[http-equiv]")].some((m) => m.httpEquiv.toLowerCase() === "content-security-policy");
}
