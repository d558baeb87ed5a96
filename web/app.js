// The page: loads the Go module with the loader, then hands each form
// submission to fetchAccount and shows the answer. A submission made while
// the module still starts (a password manager fills the form at once, a
// person presses Enter at once) is kept and runs as soon as it is ready.
// API data reaches the DOM only as text (account-view.js). Nothing is
// stored anywhere. Where the server offers "Sign in with sipgate"
// (config.json's signIn), its button looks the account up with the access
// token the sign-in gets, which lives in this module's memory only.
import { load } from "./sipgate-account.js";
import { el, errorView, resultView, signedOutView, whileLoading } from "./account-view.js";
import { configBaseURL, configSignIn, demoLogin, readConfig } from "./config.js";
import { resolve } from "./sipgate-account-urls.js";

const form = document.getElementById("lookup");
const button = document.getElementById("submit");
const moduleStatus = document.getElementById("module-status");
const result = document.getElementById("result");
const baseURL = document.getElementById("baseURL");

// config.json may set the default API base URL and, in demo mode, the demo
// login to show. A path (/v2) shows as the URL it resolves to on this origin.
async function applyConfig() {
  const config = await readConfig();
  const base = configBaseURL(config.baseURL);
  // Only the field's default: a field the visitor (or a password manager)
  // already changed keeps its value, since the browser shows the default
  // only until then.
  if (base) baseURL.defaultValue = resolve(base).href;
  const start = configSignIn(config.signIn);
  if (start) offerSignIn(start, base);
  const demo = demoLogin(config);
  if (demo) {
    const hint = document.getElementById("demo-hint");
    // Short: a hint larger than the intro would be the page's largest
    // paint, and it comes only after config.json.
    hint.textContent = `Demo, with a fake sipgate API: log in with ${demo.username} and ${demo.password}${start ? ", or sign in with sipgate" : ""}.`;
    hint.hidden = false;
  }
}

// offerSignIn shows the sign-in. Its module comes only then, so a page
// without sign-in never loads it. A visitor with a session (from a sign-in
// in this browser, kept by the server) sees "Show my account" and "Sign
// out" at once; the access token stays in sipgate-signin.js's memory.
function offerSignIn(startURL, base) {
  const signingIn = import("./sipgate-signin.js");
  signingIn.catch(() => {}); // a failed import shows when a button is used
  const section = document.getElementById("signin");
  const signInButton = document.getElementById("signin-button");
  const signOutButton = document.getElementById("signout-button");
  let signedIn = false;
  const show = (on) => {
    signedIn = on;
    signInButton.textContent = on ? "Show my account" : "Sign in with sipgate";
    signOutButton.hidden = !on;
  };
  section.hidden = false;
  // Only a session changes what shows: a page without one stays as it
  // first painted.
  signingIn.then((m) => m.signedIn()).then((on) => on && show(true), (err) => {
    if (err?.code === "NO_SIGN_IN") section.hidden = true;
  });
  const options = base ? { baseURL: base } : {};
  const run = async (text, work) => {
    signInButton.disabled = signOutButton.disabled = true;
    result.setAttribute("aria-busy", "true");
    result.dataset.state = "loading";
    result.replaceChildren(el("p", "loading", text));
    try {
      await work(await signingIn);
    } catch (err) {
      if (err?.code === "SIGNED_OUT") show(false);
      result.replaceChildren(...errorView(err));
    } finally {
      result.dataset.state = "done";
      result.removeAttribute("aria-busy");
      signInButton.disabled = signOutButton.disabled = false;
    }
  };
  signInButton.addEventListener("click", () => run(signedIn ? "Looking up the account…" : "Signing in at sipgate, in the window that opened…", async ({ signIn, withAccessToken }) => {
    if (!signedIn) {
      await signIn({ startURL });
      show(true);
    }
    const { fetchAccountWithToken } = await started;
    result.replaceChildren(el("p", "loading", "Looking up the account…"));
    // A session that ended meanwhile rejects with SIGNED_OUT, and the
    // button offers the sign-in again, from a click of its own.
    showResult(await withAccessToken((token) => fetchAccountWithToken(token, options), { signIn: false }));
  }));
  signOutButton.addEventListener("click", () => run("Signing out…", async ({ signOut }) => {
    const out = await signOut();
    show(false);
    result.replaceChildren(signedOutView(out));
  }));
}

function showModuleFailure(err) {
  moduleStatus.textContent = `The module could not start: ${err.message}. Reload the page; if it persists, see Troubleshooting in docs/embedding.md.`;
  moduleStatus.classList.add("error");
}

// The module starts at once, in its worker; config.json comes alongside.
const configured = applyConfig();
let ready = false;
const started = load();
Promise.all([configured, started]).then(() => {
  ready = true;
  moduleStatus.textContent = "";
  document.documentElement.dataset.ready = "true";
}, showModuleFailure);

function showResult(r) {
  // As the sipgate example prints it: Status, then the raw body.
  result.replaceChildren(...resultView(r), el("pre", "raw", `Status: ${r.status}\nBody: ${r.body}`));
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (button.disabled) return;
  button.disabled = true;
  result.setAttribute("aria-busy", "true");
  let stopProgress = () => {};
  if (!ready) {
    result.dataset.state = "waiting";
    result.replaceChildren(el("p", "loading", "The module is still starting; your lookup runs as soon as it is ready…"));
    // On a slow link, how much of the module has arrived (announced by
    // the result's live region; the focus stays where it is).
    stopProgress = whileLoading((text) => result.replaceChildren(el("p", "loading progress", text)));
  }
  try {
    // config.json may still set the base URL; then the form is read.
    await configured;
    const data = new FormData(form);
    const { fetchAccount } = await started.finally(() => stopProgress());
    result.dataset.state = "loading";
    result.replaceChildren(el("p", "loading", "Looking up the account…"));
    showResult(await fetchAccount(data.get("username"), data.get("password"), {
      baseURL: data.get("baseURL"),
    }));
  } catch (err) {
    result.replaceChildren(...errorView(err));
  } finally {
    result.dataset.state = "done";
    result.removeAttribute("aria-busy");
    button.disabled = false;
  }
});

// The form is handled from here on: the button may submit, whether or not
// the module is ready yet. (The loader marks start-up as sipgate-load,
// sipgate-compiled and sipgate-ready: performance.getEntriesByName.)
button.disabled = false;
