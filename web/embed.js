// The live embedding example (embed.html): the element, its events, and the
// server's config.json for the API base URL, as on the main page.
import { load } from "./sipgate-account.js";

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

try {
  const resp = await fetch("config.json", { cache: "no-cache" });
  const config = resp.ok ? await resp.json() : {};
  if (config && typeof config.baseURL === "string" && config.baseURL !== "") {
    for (const el of document.querySelectorAll("sipgate-account.example")) {
      el.setAttribute("base-url", new URL(config.baseURL, location.href).href);
    }
  }
  const demo = config && config.demo;
  if (demo && typeof demo.username === "string" && typeof demo.password === "string") {
    const hint = document.getElementById("demo-hint");
    hint.textContent = `Demo mode: log in with ${demo.username} and ${demo.password}` +
      (typeof demo.accessToken === "string" ? `, or use the access token ${demo.accessToken}.` : ".");
    hint.hidden = false;
  }
} catch {
  // Without config.json the elements use the default API.
}

await load();
document.documentElement.dataset.ready = "true";
