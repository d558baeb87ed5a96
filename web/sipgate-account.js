// sipgate-account.js: the module for any page, with one import.
//
//   import { load } from "https://your.host/path/sipgate-account.js";
//   const { fetchAccount, fetchAccountWithToken } = await load();
//
// load() finds wasm_exec.js and sipgate-account.wasm next to this file
// (import.meta.url) unless told otherwise, and starts one Go instance per
// page however often it is called, from however many copies of this file.
// Importing this file also defines the <sipgate-account> element.
//
// Nothing here sees a password except to pass it on to fetchAccount; nothing
// is stored.

import { el, errorView, resultView } from "./account-view.js";

const here = import.meta.url;

// One instance per page: the promise lives on globalThis under a registered
// symbol, so that two copies of this file (two URLs, two versions) share it.
const INSTANCE = Symbol.for("sipgate-account.instance");

/** Why load() failed: which file, and what to do about it. */
export class SipgateLoadError extends Error {
  constructor(message, url, options) {
    super(message, options);
    this.name = "SipgateLoadError";
    this.url = String(url);
  }
}

/**
 * Loads the module once per page.
 * @param {{wasmURL?: string|URL, wasmExecURL?: string|URL}} [options]
 *   Where the files are; relative URLs are taken relative to this file.
 *   Only the first successful call's options count.
 * @returns {Promise<{fetchAccount: Function, fetchAccountWithToken: Function}>}
 */
export function load(options = {}) {
  const existing = globalThis[INSTANCE];
  if (existing) return existing;
  const started = start(options ?? {});
  globalThis[INSTANCE] = started;
  // A failed load leaves nothing running, so a later call may try again
  // (after the page fixed a URL, say).
  started.catch(() => {
    if (globalThis[INSTANCE] === started) delete globalThis[INSTANCE];
  });
  return started;
}

function api() {
  return {
    fetchAccount: globalThis.fetchAccount,
    fetchAccountWithToken: globalThis.fetchAccountWithToken,
  };
}

function running() {
  return typeof globalThis.fetchAccount === "function" && typeof globalThis.fetchAccountWithToken === "function";
}

async function start({ wasmURL = "sipgate-account.wasm", wasmExecURL = "wasm_exec.js" }) {
  // A page that loaded the module with plain script tags already runs it.
  if (running()) return api();
  const wasm = new URL(wasmURL, here);
  const wasmExec = new URL(wasmExecURL, here);
  performance.mark("sipgate-load");
  // The download starts at once, while wasm_exec.js loads.
  const response = fetch(wasm).catch((err) => {
    throw new SipgateLoadError(
      `${wasm} could not be fetched: a network error, or its server does not allow this page's origin ` +
        `(it must send Access-Control-Allow-Origin). See docs/embedding.md.`, wasm, { cause: err });
  });
  response.catch(() => {}); // reported below, in order
  await goRuntime(wasmExec);
  const resp = await response;
  if (!resp.ok) {
    throw new SipgateLoadError(`${wasm} could not be fetched: HTTP ${resp.status} ${resp.statusText}`.trim(), wasm);
  }
  const type = (resp.headers.get("Content-Type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/wasm") {
    throw new SipgateLoadError(
      `${wasm} is served as "${type || "no type"}", not application/wasm: configure the server ` +
        `(nginx: types { application/wasm wasm; }). See docs/deploying.md.`, wasm);
  }
  const go = new globalThis.Go();
  let instance;
  try {
    ({ instance } = await WebAssembly.instantiateStreaming(resp, go.importObject));
  } catch (err) {
    const csp = /Content Security Policy|wasm-unsafe-eval|unsafe-eval/i.test(String(err && err.message))
      ? " This page's Content-Security-Policy forbids WebAssembly: add 'wasm-unsafe-eval' to its script-src."
      : " Check that wasm_exec.js and the .wasm come from the same build.";
    throw new SipgateLoadError(`${wasm} could not be compiled: ${err && err.message}.${csp}`, wasm, { cause: err });
  }
  performance.mark("sipgate-compiled");
  // run() settles only if the Go program exits, which it never should.
  go.run(instance).then(() => console.error("sipgate-account: the module stopped; reload the page"));
  if (!running()) {
    throw new SipgateLoadError(`${wasm} started but did not install fetchAccount: is it the sipgate-account module?`, wasm);
  }
  performance.mark("sipgate-ready");
  return api();
}

// goRuntime makes sure Go's wasm_exec.js has run (it defines globalThis.Go),
// adding it as a classic script when the page has not.
function goRuntime(url) {
  if (typeof globalThis.Go === "function") return Promise.resolve();
  if (typeof document === "undefined") {
    return Promise.reject(new SipgateLoadError(`load() needs a page (a document) to add ${url}; in a worker, importScripts it first`, url));
  }
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = url.href;
    script.async = true;
    script.onload = () => {
      if (typeof globalThis.Go === "function") resolve();
      else reject(new SipgateLoadError(`${url} loaded but did not define Go: is it Go's wasm_exec.js?`, url));
    };
    script.onerror = () => reject(new SipgateLoadError(
      `${url} could not be loaded (missing, a network error, or this page's Content-Security-Policy ` +
        `does not allow scripts from its origin)`, url));
    document.head.append(script);
  });
}

// ---------------------------------------------------------------------------
// <sipgate-account base-url="…" mode="password|token">
//
// A form in Shadow DOM that looks up the account with the module. Events,
// both bubbling out of the shadow root:
//   sipgate-account  detail: the Result (any HTTP status)
//   sipgate-error    detail: the SipgateError or SipgateLoadError
// Styling from outside: the custom properties below, and ::part(form),
// ::part(label), ::part(input), ::part(button), ::part(result), ::part(mode).

const STYLE = `
:host {
  display: block;
  font: var(--sipgate-account-font, inherit);
  color: var(--sipgate-account-color, inherit);
  max-width: var(--sipgate-account-max-width, 28rem);
}
:host([hidden]) { display: none; }
form { display: grid; gap: var(--sipgate-account-gap, 0.5rem); }
fieldset { border: 0; padding: 0; margin: 0; display: flex; gap: 1rem; flex-wrap: wrap; }
legend { padding: 0; margin-bottom: 0.25rem; }
label { display: grid; gap: 0.2rem; }
fieldset label { display: inline-flex; align-items: center; gap: 0.35rem; }
input[type="text"], input[type="password"] {
  font: inherit; padding: 0.45rem 0.55rem;
  border: 1px solid var(--sipgate-account-border, #8a8f98);
  border-radius: var(--sipgate-account-radius, 0.35rem);
}
button {
  font: inherit; justify-self: start; cursor: pointer;
  padding: 0.5rem 1rem; border: 0;
  border-radius: var(--sipgate-account-radius, 0.35rem);
  background: var(--sipgate-account-accent, #0b5cad);
  color: var(--sipgate-account-accent-text, #fff);
}
button:disabled { opacity: 0.6; cursor: default; }
:focus-visible { outline: 3px solid var(--sipgate-account-focus, #f0a500); outline-offset: 2px; }
[hidden] { display: none !important; }
.result:empty { display: none; }
.result { margin-top: var(--sipgate-account-gap, 0.5rem); }
.error { color: var(--sipgate-account-error, #b00020); }
.account { display: flex; gap: 1rem; align-items: flex-start; }
.logo { max-width: 64px; max-height: 64px; }
.code { opacity: 0.75; }
dl { display: grid; grid-template-columns: auto 1fr; gap: 0.2rem 0.8rem; margin: 0; }
dt { font-weight: 600; }
dd { margin: 0; }
`;

let sheet; // one constructed stylesheet for every element: no inline style, so no CSP 'unsafe-inline'
let serial = 0; // unique ids for labels across elements

export class SipgateAccountElement extends HTMLElement {
  static observedAttributes = ["mode"];

  #form;
  #result;
  #button;
  #busy = false;

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLE);
    }
    root.adoptedStyleSheets = [sheet];
    const id = `sga${++serial}`;
    root.innerHTML = `
      <form part="form" novalidate>
        <fieldset part="mode">
          <legend>Sign in with</legend>
          <label><input type="radio" name="mode" value="password" checked> Login or personal access token</label>
          <label><input type="radio" name="mode" value="token"> OAuth access token</label>
        </fieldset>
        <label part="label" data-for="password" for="${id}-user">E-mail or token ID
          <input part="input" id="${id}-user" name="user" type="text" autocomplete="username" autocapitalize="off" spellcheck="false"></label>
        <label part="label" data-for="password" for="${id}-pass">Password or token
          <input part="input" id="${id}-pass" name="pass" type="password" autocomplete="current-password"></label>
        <label part="label" data-for="token" for="${id}-token" hidden>Access token
          <input part="input" id="${id}-token" name="token" type="password" autocomplete="off" spellcheck="false"></label>
        <button part="button" type="submit" disabled>Look up account</button>
      </form>
      <div part="result" class="result" role="status" aria-live="polite"></div>`;
    this.#form = root.querySelector("form");
    this.#result = root.querySelector(".result");
    this.#button = root.querySelector("button");
    this.#form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#submit();
    });
    this.#form.addEventListener("change", (event) => {
      if (event.target.name === "mode") this.mode = event.target.value;
    });
  }

  /**
   * The API base URL (attribute base-url) as written: an absolute URL, or a
   * path such as /v2 on the page's origin; fetchAccount applies the
   * contract's rule to it. "" for the default API.
   */
  get baseURL() {
    return this.getAttribute("base-url") ?? "";
  }
  set baseURL(v) {
    this.setAttribute("base-url", v);
  }

  /** "password" (Basic: login or personal access token) or "token" (OAuth access token, Bearer). */
  get mode() {
    return this.getAttribute("mode") === "token" ? "token" : "password";
  }
  set mode(v) {
    this.setAttribute("mode", v === "token" ? "token" : "password");
  }

  connectedCallback() {
    this.#showMode();
    load().then(
      () => { this.#button.disabled = this.#busy; },
      (err) => this.#fail(err),
    );
  }

  attributeChangedCallback() {
    this.#showMode();
  }

  #showMode() {
    const mode = this.mode;
    for (const label of this.#form.querySelectorAll("label[data-for]")) {
      label.hidden = label.dataset.for !== mode;
    }
    for (const radio of this.#form.elements.mode) radio.checked = radio.value === mode;
  }

  async #submit() {
    if (this.#busy) return;
    const f = this.#form.elements;
    const options = this.baseURL ? { baseURL: this.baseURL } : undefined;
    this.#busy = true;
    this.#button.disabled = true;
    this.#result.setAttribute("aria-busy", "true");
    this.#result.replaceChildren(el("p", "", "Looking up the account…"));
    try {
      const sg = await load();
      const result = this.mode === "token"
        ? await sg.fetchAccountWithToken(f.token.value, options)
        : await sg.fetchAccount(f.user.value, f.pass.value, options);
      this.#result.replaceChildren(...resultView(result));
      this.dispatchEvent(new CustomEvent("sipgate-account", { detail: result, bubbles: true, composed: true }));
    } catch (err) {
      this.#fail(err);
    } finally {
      this.#busy = false;
      this.#button.disabled = false;
      this.#result.removeAttribute("aria-busy");
    }
  }

  #fail(err) {
    this.#result.replaceChildren(...errorView(err));
    this.dispatchEvent(new CustomEvent("sipgate-error", { detail: err, bubbles: true, composed: true }));
  }
}

if (typeof customElements !== "undefined" && !customElements.get("sipgate-account")) {
  customElements.define("sipgate-account", SipgateAccountElement);
}
