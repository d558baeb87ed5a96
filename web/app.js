// The page: loads the Go module with the loader, then hands each form
// submission to fetchAccount and shows the answer. API data reaches the DOM
// only as text (account-view.js). Nothing is stored anywhere.
import { load } from "./sipgate-account.js";
import { el, errorView, resultView } from "./account-view.js";
import { configBaseURL, demoLogin, readConfig } from "./config.js";

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
  if (base) baseURL.value = baseURL.defaultValue = new URL(base, location.origin).href;
  const demo = demoLogin(config);
  if (demo) {
    const hint = document.getElementById("demo-hint");
    hint.textContent = `Demo mode: this server runs a fake sipgate API. Log in with ${demo.username} and the password ${demo.password}.`;
    hint.hidden = false;
  }
}

function showModuleFailure(err) {
  button.disabled = true;
  moduleStatus.textContent = `The module could not start: ${err.message}. Reload the page; if it persists, see Troubleshooting in docs/embedding.md.`;
  moduleStatus.classList.add("error");
}

function showResult(r) {
  // As the sipgate example prints it: Status, then the raw body.
  result.replaceChildren(...resultView(r), el("pre", "raw", `Status: ${r.status}\nBody: ${r.body}`));
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  if (button.disabled) return;
  const data = new FormData(form);
  button.disabled = true;
  result.dataset.state = "loading";
  result.setAttribute("aria-busy", "true");
  result.replaceChildren(el("p", "loading", "Looking up the account…"));
  try {
    const { fetchAccount } = await load();
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

// The loader marks start-up as sipgate-load, sipgate-compiled and
// sipgate-ready (performance.getEntriesByName).
Promise.all([applyConfig(), load()]).then(() => {
  button.disabled = false;
  moduleStatus.textContent = "";
  document.documentElement.dataset.ready = "true";
}, showModuleFailure);
