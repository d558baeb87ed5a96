// sipgate-account-element.js: <sipgate-account base-url="…" mode="password|token|signin">.
// Importing this file defines the element (its only side effect); it loads
// the module through the loader, sipgate-account.js.
//
//   <script type="module" src="https://your.host/sipgate-account-element.js"></script>
//   <sipgate-account base-url="https://api.sipgate.com/v2"></sipgate-account>
//
// A form in Shadow DOM that looks up the account with the module. In
// mode="signin" it shows "Sign in with sipgate" instead of the fields:
// the sign-in of the page's own origin (sipgate-signin.js, loaded only in
// that mode), then the account, and "Sign out" while the visitor's session
// lasts; where the site offers no sign-in, it says so. Events,
// both bubbling out of the shadow root:
//   sipgate-account  detail: the Result (any HTTP status)
//   sipgate-error    detail: the SipgateError or SipgateLoadError
// Styling from outside: the custom properties below, and ::part(form),
// ::part(label), ::part(input), ::part(button), ::part(result), ::part(mode),
// ::part(sign-out) (the sign-out button, also a part "button").
// wasm-url and wasm-exec-url say where the module's files are, for a page
// whose files are not beside this one; they count when the element starts
// the module (on connecting), as load()'s options do, and only on the
// page's own origin: markup does not choose which code runs.

import { load } from "./sipgate-account.js";
import { resolve } from "./sipgate-account-urls.js";
import { el, errorView, resultView, signedOutView, whileLoading } from "./account-view.js";

// The form has one height before and after the element is defined and in
// either mode: line boxes and spacing in rem, and a minimum height that the
// host page reserves with sipgate-account:not(:defined) (docs/embedding.md),
// so that a page does not shift when the element arrives.
const STYLE = `
:host {
  display: block;
  font: var(--sipgate-account-font, inherit);
  line-height: 1.5rem;
  color: var(--sipgate-account-color, inherit);
  max-width: var(--sipgate-account-max-width, 28rem);
  min-height: var(--sipgate-account-min-height, 18rem);
}
:host([hidden]) { display: none; }
form { display: grid; gap: var(--sipgate-account-gap, 0.5rem); }
fieldset { border: 0; padding: 0; margin: 0; display: grid; gap: 0.25rem; }
legend { padding: 0; margin-bottom: 0.25rem; }
label { display: grid; gap: 0.25rem; }
fieldset label { display: flex; align-items: center; gap: 0.35rem; }
input[type="text"], input[type="password"] {
  font: inherit; line-height: 1.5rem; padding: 0.45rem 0.55rem;
  border: 1px solid var(--sipgate-account-border, #8a8f98);
  border-radius: var(--sipgate-account-radius, 0.35rem);
}
button {
  font: inherit; line-height: 1.5rem; justify-self: start; cursor: pointer;
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

const MODES = ["password", "token", "signin"];

let sheet; // one constructed stylesheet for every element: no inline style, so no CSP 'unsafe-inline'
let serial = 0; // unique ids for labels across elements

export class SipgateAccountElement extends HTMLElement {
  static observedAttributes = ["mode"];

  #form;
  #result;
  #button;
  #busy = false;
  #signOutButton;
  #signingIn; // sipgate-signin.js, imported in mode="signin" only
  #signedIn = false;
  #ready = false;
  #started;

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
        <button part="button" type="submit">Look up account</button>
        <button part="button sign-out" type="button" class="sign-out" hidden>Sign out</button>
      </form>
      <div part="result" class="result" role="status" aria-live="polite"></div>`;
    this.#form = root.querySelector("form");
    this.#result = root.querySelector(".result");
    this.#button = root.querySelector("button");
    this.#form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#submit();
    });
    this.#signOutButton = root.querySelector(".sign-out");
    this.#signOutButton.addEventListener("click", () => this.#signOut());
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

  /**
   * "password" (Basic: login or personal access token), "token" (OAuth
   * access token, Bearer) or "signin" (Sign in with sipgate).
   */
  get mode() {
    const m = this.getAttribute("mode");
    return MODES.includes(m) ? m : "password";
  }
  set mode(v) {
    this.setAttribute("mode", MODES.includes(v) ? v : "password");
  }

  /**
   * load()'s options from the wasm-url and wasm-exec-url attributes,
   * resolved against the page's own address (never a <base>). Marked as
   * markup's: the loader takes them only on the page's own origin, and
   * never hands the instance they started to a script that did not name
   * the same files.
   */
  #files() {
    const options = { [Symbol.for("sipgate-account.from-markup")]: true };
    for (const [attr, key] of [["wasm-url", "wasmURL"], ["wasm-exec-url", "wasmExecURL"]]) {
      const v = this.getAttribute(attr);
      if (!v) continue;
      try {
        options[key] = resolve(v);
      } catch {
        options[key] = v; // the loader refuses it as no URL
      }
    }
    return options;
  }

  // The module starts when the element connects; a lookup submitted before
  // it is ready waits for it (see #submit).
  connectedCallback() {
    this.#showMode();
    this.#started = load(this.#files());
    this.#started.then(() => { this.#ready = true; }, (err) => this.#fail(err));
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
    const signin = mode === "signin";
    this.#form.querySelector("fieldset").hidden = signin;
    this.#signOutButton.hidden = !signin || !this.#signedIn;
    this.#button.textContent = !signin ? "Look up account" : this.#signedIn ? "Show my account" : "Sign in with sipgate";
    if (signin && !this.#signingIn) this.#openSession();
  }

  // #openSession loads the sign-in and asks for the visitor's session: a
  // session from earlier shows as signed in; a site with no sign-in says
  // so instead of offering a button that fails.
  #openSession() {
    this.#signingIn = import("./sipgate-signin.js");
    this.#signingIn.then((m) => m.signedIn()).then((on) => this.#setSignedIn(on), (err) => {
      if (err?.code !== "NO_SIGN_IN") return;
      this.#button.hidden = true;
      this.#fail(err);
    });
  }

  #setSignedIn(on) {
    this.#signedIn = on;
    this.#showMode();
  }

  async #signOut() {
    if (this.#busy) return;
    this.#busy = true;
    this.#signOutButton.disabled = this.#button.disabled = true;
    try {
      const { signOut } = await this.#signingIn;
      const out = await signOut();
      this.#setSignedIn(false);
      this.#result.replaceChildren(signedOutView(out));
    } catch (err) {
      this.#fail(err);
    } finally {
      this.#busy = false;
      this.#signOutButton.disabled = this.#button.disabled = false;
    }
  }

  async #submit() {
    if (this.#busy) return;
    const f = this.#form.elements;
    const options = this.baseURL ? { baseURL: this.baseURL } : undefined;
    this.#busy = true;
    this.#button.disabled = true;
    this.#result.setAttribute("aria-busy", "true");
    this.#result.replaceChildren(el("p", "", this.#ready
      ? "Looking up the account…"
      : "The module is still starting; your lookup runs as soon as it is ready…"));
    // On a slow link, how much of the module has arrived.
    const stopProgress = this.#ready ? () => {} : whileLoading((text) => this.#result.replaceChildren(el("p", "progress", text)));
    // In mode="signin", the popup opens from this click, before anything
    // is awaited; the lookup then waits for the module.
    const signedIn = this.mode === "signin" ? this.#lookUpSignedIn(options) : null;
    signedIn?.catch(() => {});
    try {
      // A failed start is tried again, after the page fixed its cause.
      const sg = await (this.#started ??= load(this.#files())).catch(() => (this.#started = load(this.#files()))).finally(stopProgress);
      this.#ready = true;
      if (!signedIn) this.#result.replaceChildren(el("p", "", "Looking up the account…"));
      const result = this.mode === "signin" ? await signedIn
        : this.mode === "token" ? await sg.fetchAccountWithToken(f.token.value, options)
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

  // #lookUpSignedIn signs in first where there is no session, then looks
  // the account up with the session's access token.
  async #lookUpSignedIn(options) {
    const signingIn = await this.#signingIn;
    if (!this.#signedIn) {
      this.#result.replaceChildren(el("p", "", "Signing in at sipgate, in the window that opened…"));
      await signingIn.signIn();
      this.#setSignedIn(true);
    }
    const sg = await this.#started;
    this.#result.replaceChildren(el("p", "", "Looking up the account…"));
    // A session that ended meanwhile says so (SIGNED_OUT), and the button
    // offers the sign-in again, from a click of its own.
    return signingIn.withAccessToken((token) => sg.fetchAccountWithToken(token, options), { signIn: false }).catch((err) => {
      if (err?.code === "SIGNED_OUT") this.#setSignedIn(false);
      throw err;
    });
  }

  #fail(err) {
    this.#result.replaceChildren(...errorView(err));
    this.dispatchEvent(new CustomEvent("sipgate-error", { detail: err, bubbles: true, composed: true }));
  }
}

if (typeof customElements !== "undefined" && !customElements.get("sipgate-account")) {
  customElements.define("sipgate-account", SipgateAccountElement);
}
