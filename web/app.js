// The page: loads the Go module with the loader, then hands each form
// submission to fetchAccount and shows the answer. API data reaches the DOM
// only as text (textContent), never as HTML. Nothing is stored anywhere.
import { load } from "./sipgate-account.js";

const form = document.getElementById("lookup");
const button = document.getElementById("submit");
const moduleStatus = document.getElementById("module-status");
const result = document.getElementById("result");
const baseURL = document.getElementById("baseURL");

// config.json may set the default API base URL (relative to this page) and,
// in demo mode, the demo login to show. Missing or broken: the defaults stay.
async function applyConfig() {
  let config;
  try {
    const resp = await fetch("config.json", { cache: "no-cache" });
    if (!resp.ok) return;
    config = await resp.json();
  } catch {
    return;
  }
  if (!config || typeof config !== "object") return;
  if (typeof config.baseURL === "string" && config.baseURL !== "") {
    baseURL.value = baseURL.defaultValue = new URL(config.baseURL, location.href).href;
  }
  const demo = config.demo;
  if (demo && typeof demo.username === "string" && typeof demo.password === "string") {
    const hint = document.getElementById("demo-hint");
    hint.textContent = `Demo mode: this server runs a fake sipgate API. Log in with ${demo.username} and the password ${demo.password}.`;
    hint.hidden = false;
  }
}

function showModuleFailure(err) {
  button.disabled = true;
  moduleStatus.textContent = `The module could not start: ${err.message}. Reload the page; if it persists, see Troubleshooting in the README.`;
  moduleStatus.classList.add("error");
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// An account card for people: the fields sipgate documents. Every other
// field is still in the raw body below.
function accountCard(account) {
  const card = el("div", "account");
  if (typeof account.logoUrl === "string" && isHTTPS(account.logoUrl)) {
    const logo = el("img", "logo");
    logo.src = account.logoUrl;
    logo.alt = "";
    logo.referrerPolicy = "no-referrer";
    card.append(logo);
  }
  const list = el("dl");
  const rows = [
    ["Company", account.company],
    ["Product type", account.mainProductType],
    ["Verified", typeof account.verified === "boolean" ? (account.verified ? "yes" : "no") : undefined],
  ];
  for (const [label, value] of rows) {
    if (value === undefined || value === null || value === "") continue;
    list.append(el("dt", "", label), el("dd", "", String(value)));
  }
  card.append(list);
  return card;
}

function isHTTPS(raw) {
  try {
    return new URL(raw).protocol === "https:";
  } catch {
    return false;
  }
}

function showResult(r) {
  const nodes = [];
  if (r.ok) {
    nodes.push(accountCard(r.account));
  } else {
    nodes.push(el("p", "message error", r.error.message), el("p", "code", `Error code: ${r.error.code}`));
  }
  // As the sipgate example prints it: Status, then the raw body.
  nodes.push(el("pre", "raw", `Status: ${r.status}\nBody: ${r.body}`));
  result.replaceChildren(...nodes);
}

function showError(err) {
  const code = err && err.code ? err.code : "UNKNOWN";
  const message = err && err.message ? err.message : String(err);
  result.replaceChildren(el("p", "message error", message), el("p", "code", `Error code: ${code}`));
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
    showError(err);
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
