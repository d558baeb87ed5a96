// @ts-check
// An app's use of the package, bundled by Vite and by webpack and
// type-checked by tsc (checkJs). ?api= names the API base URL to call.
import { load, SipgateLoadError } from "sipgate-account";
import "sipgate-account/element";

const params = new URLSearchParams(location.search);
const api = params.get("api") ?? undefined;
const DEMO = { user: "demo@example.com", pass: "demo-password" };
// ?files: the module's files were copied beside the page, and the bundle
// (an iife, whose import.meta is empty) names them, as docs/embedding.md says.
const files = params.has("files")
  ? {
      wasmURL: new URL("sipgate-account.wasm", document.baseURI),
      wasmExecURL: new URL("wasm_exec.js", document.baseURI),
      workerURL: new URL("sipgate-account-host.js", document.baseURI),
    }
  : undefined;

/** @param {string} id @param {string} text */
function show(id, text) {
  const node = document.getElementById(id);
  if (node) node.textContent = text;
}

// ?thread=page: the module on the page's thread, where the loader imports
// the host module itself (a chunk the bundler split off).
const onPage = params.get("thread") === "page";

async function withLoad() {
  try {
    const { fetchAccount } = await load({ ...files, worker: !onPage });
    const r = await fetchAccount(DEMO.user, DEMO.pass, { baseURL: api });
    show("load-result", r.ok ? `company: ${r.account.company}` : `error: ${r.error.code}`);
    // Where the module runs: the loader's sipgate-ready mark says, and Go's
    // runtime (wasm_exec.js) never comes to a page whose module runs in its Worker.
    const mark = /** @type {PerformanceMark | undefined} */ (performance.getEntriesByName("sipgate-ready")[0]);
    show("thread", `${mark?.detail?.thread}, Go on the page: ${"Go" in globalThis}`);
  } catch (err) {
    show("load-result", err instanceof SipgateLoadError ? `load failed: ${err.url}: ${err.message}` : `failed: ${err}`);
  }
}

async function withElement() {
  const el = document.createElement("sipgate-account");
  if (api) el.baseURL = api;
  const answered = new Promise((resolve) => {
    el.addEventListener("sipgate-account", (e) => resolve(e.detail.ok ? `company: ${e.detail.account.company}` : `error: ${e.detail.error.code}`));
    el.addEventListener("sipgate-error", (e) => resolve(`failed: ${e.detail.name}: ${e.detail.message}`));
  });
  document.body.append(el);
  const root = el.shadowRoot;
  const button = root?.querySelector("button");
  const user = root?.querySelector("input[name=user]");
  const pass = root?.querySelector("input[name=pass]");
  if (!(button instanceof HTMLButtonElement) || !(user instanceof HTMLInputElement) || !(pass instanceof HTMLInputElement)) {
    show("element-result", "the element has no form");
    return;
  }
  // Ready when the button is enabled; a module that cannot load says so as sipgate-error.
  const ready = (async () => {
    while (button.disabled) await new Promise((r) => setTimeout(r, 20));
  })();
  const failed = await Promise.race([ready.then(() => null), answered]);
  if (failed !== null) {
    show("element-result", String(failed));
    return;
  }
  user.value = DEMO.user;
  pass.value = DEMO.pass;
  button.click();
  show("element-result", await answered);
}

Promise.all([withLoad(), withElement()]).finally(() => {
  document.documentElement.dataset.done = "true";
});
