// The live embedding example (embed.html): the element, its events, and the
// server's config.json for the API base URL, as on the main page.
import { load } from "./sipgate-account.js";
import { configBaseURL, demoLogin, readConfig } from "./config.js";

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
