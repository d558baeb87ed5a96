// The live embedding example (embed.html): the element, its events, and the
// server's config.json for the API base URL, as on the main page.
import { load } from "./sipgate-account.js";
import { configBaseURL, configSignIn, demoLogin, readConfig } from "./config.js";

const log = document.getElementById("events");
const lines = [];

function record(line) {
  lines.unshift(line);
  log.textContent = lines.slice(0, 10).join("\n");
}

// The events carry the result or the error; no credentials are in either.
document.addEventListener("sipgate-account", (e) => {
  const r = e.detail;
  record(`sipgate-account: status ${r.status}, ` + (r.ok ? `company ${JSON.stringify(r.account.company)}` : `${r.error.code}`));
});
document.addEventListener("sipgate-error", (e) => {
  record(`sipgate-error: ${e.detail.code || e.detail.name}: ${e.detail.message}`);
});

// Without config.json the elements use the default API. They are defined
// only once it applied (embed.html preloads their module meanwhile): a
// lookup submitted early would otherwise go to the default API.
const config = await readConfig();
const base = configBaseURL(config.baseURL);
if (base) {
  for (const element of document.querySelectorAll("sipgate-account.example")) element.setAttribute("base-url", base);
}
// Where the server offers sign-in, a third element shows it, with no code
// of its own: mode="signin". It goes at the end of the page, so that
// adding it moves nothing a visitor sees.
if (configSignIn(config.signIn)) {
  const section = document.createElement("section");
  const element = document.createElement("sipgate-account");
  element.className = "example";
  element.setAttribute("mode", "signin");
  if (base) element.setAttribute("base-url", base);
  const snippet = document.createElement("pre");
  snippet.append(document.createElement("code"));
  snippet.firstChild.textContent = `<sipgate-account mode="signin"${base ? ` base-url="${base}"` : ""}></sipgate-account>`;
  section.append(Object.assign(document.createElement("h2"), { textContent: "Sign in with sipgate" }),
    Object.assign(document.createElement("p"), { className: "hint", textContent: "This server offers sign-in, so one attribute does it all: the popup, the account, and \"Sign out\" while the session lasts." }),
    element, snippet);
  document.querySelector("main").append(section);
}
await import("./sipgate-account-element.js");
const demo = demoLogin(config);
if (demo) {
  const hint = document.getElementById("demo-hint");
  hint.textContent = `Demo mode: log in with ${demo.username} and ${demo.password}` +
    (typeof demo.accessToken === "string" ? `, or use the access token ${demo.accessToken}.` : ".");
  hint.hidden = false;
}

await load();
document.documentElement.dataset.ready = "true";
