// The contract, checked in-page so that every engine runs the same checks:
// Chromium, Firefox and WebKit load this page, and it posts one report.
// Query: ?engine=NAME&closed=ORIGIN (a loopback origin where nothing listens).
import { load } from "/sipgate-account.js";
import "/sipgate-account-element.js";
import { decodeArgs } from "./inputs.js";
import * as signin from "/sipgate-signin.js";

const params = new URLSearchParams(location.search);
const engine = params.get("engine") || "unknown";
const closed = params.get("closed");
const origin = location.origin;
const DEMO = { user: "demo@example.com", pass: "demo-password", token: "demo-access-token" };
const results = [];
const log = document.getElementById("log");

function record(name, ok, detail = "") {
  results.push({ name, ok, detail: String(detail) });
  log.textContent += `${ok ? "ok  " : "FAIL"} ${name}${detail ? ": " + detail : ""}\n`;
}

// settle runs a call and tells how it ended, never throwing.
async function settle(promiseFn) {
  try {
    return { resolved: await promiseFn() };
  } catch (e) {
    return { rejected: { isError: e instanceof Error, name: e && e.name, code: e && e.code, message: e && e.message } };
  }
}

async function check(name, fn) {
  try {
    const problem = await fn();
    record(name, !problem, problem || "");
  } catch (e) {
    record(name, false, `threw ${e && e.stack ? e.stack : e}`);
  }
}

const base = (scenario) => `${origin}${scenario ? `/scenario/${scenario}` : ""}/v2`;

// vectors.json (internal/testkit/vectors), which the Go tests read too.
async function loadVectors() {
  const resp = await fetch("/selftest/vectors.json");
  if (!resp.ok) throw new Error(`vectors.json: HTTP ${resp.status}`);
  return resp.json();
}

async function headerVectors(sg, vectors) {
  document.cookie = "session=page-cookie; path=/";
  for (const { user, pass, header } of vectors.basic) {
    await check(`header ${user}:${pass}`, async () => {
      const r = await sg.fetchAccount(user, pass, { baseURL: base("echo") });
      const a = r.account || {};
      if (a.authorization !== header) return `server got ${a.authorization}, want ${header}`;
      if (a.accept !== "application/json" || a.method !== "GET" || a.cookie !== "") return `server got ${JSON.stringify(a)}`;
    });
  }
  for (const { token, header } of vectors.bearer) {
    await check(`header Bearer ${token}`, async () => {
      const r = await sg.fetchAccountWithToken(token, { baseURL: base("echo") });
      if (!r.account || r.account.authorization !== header) return JSON.stringify(r.account);
    });
  }
}

async function statusCodes(sg, vectors) {
  const cases = [
    ["demo login", () => sg.fetchAccount(DEMO.user, DEMO.pass, { baseURL: base() }), 200, null],
    ["demo login, baseURL a path", () => sg.fetchAccount(DEMO.user, DEMO.pass, { baseURL: "/v2" }), 200, null],
    ["demo access token", () => sg.fetchAccountWithToken(DEMO.token, { baseURL: base() }), 200, null],
    ["401", () => sg.fetchAccount(DEMO.user, "wrong", { baseURL: base() }), 401, "UNAUTHORIZED", "username and/or password are wrong"],
    ...vectors.statuses.map(({ status, code, says }) =>
      [String(status), () => sg.fetchAccount("u", "p", { baseURL: base(`status-${status}`) }), status, code, says]),
    ["500 HTML", () => sg.fetchAccount("u", "p", { baseURL: base("html-500") }), 500, "SERVER_ERROR"],
    ["not JSON", () => sg.fetchAccount("u", "p", { baseURL: base("not-json") }), 200, "BAD_RESPONSE"],
    ["broken JSON", () => sg.fetchAccount("u", "p", { baseURL: base("bad-json") }), 200, "BAD_RESPONSE"],
    ["an array", () => sg.fetchAccount("u", "p", { baseURL: base("array") }), 200, "BAD_RESPONSE"],
    ["over 1 MiB", () => sg.fetchAccount("u", "p", { baseURL: base("too-large") }), 200, "RESPONSE_TOO_LARGE", "1 MiB"],
  ];
  for (const [name, call, status, code, says] of cases) {
    await check(`status ${name}`, async () => {
      const out = await settle(call);
      const r = out.resolved;
      if (!r) return `rejected ${JSON.stringify(out.rejected)}`;
      const keys = Object.keys(r).join(",");
      if (keys !== "ok,status,statusText,body,account,error") return `result keys ${keys}`;
      if (r.status !== status) return `status ${r.status}, want ${status}`;
      if (code === null) {
        if (!r.ok || r.error !== null || !r.account || r.account.company !== "Demo Telefon GmbH") return JSON.stringify(r).slice(0, 300);
        return;
      }
      if (r.ok || r.account !== null || !r.error || r.error.code !== code) return `got ${JSON.stringify(r.error)}, want ${code}`;
      if (says && !r.error.message.includes(says)) return `message ${r.error.message} does not say ${says}`;
      if (code === "RESPONSE_TOO_LARGE" && r.body.length !== 1 << 20) return `body kept ${r.body.length} characters`;
    });
  }
}

function wantRejected(out, code, says) {
  const r = out.rejected;
  if (!r) return `resolved ${JSON.stringify(out.resolved).slice(0, 200)}, want ${code}`;
  if (!r.isError || r.name !== "SipgateError" || r.code !== code) return `rejected ${JSON.stringify(r)}, want SipgateError ${code}`;
  if (says && !r.message.includes(says)) return `message ${r.message} does not say ${says}`;
}

async function failures(sg) {
  await check("NETWORK: connection refused", async () =>
    wantRejected(await settle(() => sg.fetchAccount("u", "p", { baseURL: `${closed}/v2` })), "NETWORK"));
  await check("NETWORK: redirect not followed", async () =>
    wantRejected(await settle(() => sg.fetchAccount("u", "p", { baseURL: base("redirect") })), "NETWORK"));
  await check("NETWORK: no CORS", async () =>
    wantRejected(await settle(() => sg.fetchAccount("u", "p", { baseURL: base("no-cors").replace("127.0.0.1", "localhost") })), "NETWORK"));
  await check("TIMEOUT: no answer", async () =>
    wantRejected(await settle(() => sg.fetchAccount("u", "p", { baseURL: base("hang"), timeoutMs: 300 })), "TIMEOUT"));
  await check("TIMEOUT: body too slow", async () =>
    wantRejected(await settle(() => sg.fetchAccount("u", "p", { baseURL: base("trickle"), timeoutMs: 400 })), "TIMEOUT"));
  await check("ABORTED: before the call", async () =>
    wantRejected(await settle(() => sg.fetchAccount("u", "p", { baseURL: base(), signal: AbortSignal.abort() })), "ABORTED"));
  await check("ABORTED: during the call", async () => {
    const c = new AbortController();
    const p = settle(() => sg.fetchAccount("u", "p", { baseURL: base("hang"), signal: c.signal }));
    setTimeout(() => c.abort(), 100);
    return wantRejected(await p, "ABORTED");
  });
}

// inputRules runs the input rules' one table (vectors.json's inputs), as
// the Chromium tests and the Go core read it.
async function inputRules(sg, vectors) {
  for (const input of vectors.inputs) {
    await check(`input ${input.name}`, async () =>
      wantRejected(await settle(() => sg[input.call](...decodeArgs(input.args))), "INVALID_ARGUMENT", input.says));
  }
}

async function concurrent(sg) {
  await check("200 concurrent calls", async () => {
    const calls = Array.from({ length: 200 }, (_, i) =>
      sg.fetchAccount(DEMO.user, i % 2 ? "wrong" : DEMO.pass, { baseURL: base() }).then((r) => r.status));
    const statuses = await Promise.all(calls);
    const bad = statuses.filter((s, i) => s !== (i % 2 ? 401 : 200));
    if (bad.length) return `${bad.length} calls got the wrong status`;
  });
}

async function pageFlow() {
  const frame = document.getElementById("page");
  frame.src = "/";
  await new Promise((resolve) => frame.addEventListener("load", resolve, { once: true }));
  const doc = () => frame.contentDocument;
  const until = async (predicate, what) => {
    const deadline = Date.now() + 20000;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await until(() => doc().documentElement.dataset.ready === "true", "the page to be ready");
  const submit = async (user, pass) => {
    const d = doc();
    d.getElementById("username").value = user;
    d.getElementById("password").value = pass;
    d.getElementById("result").dataset.state = "idle";
    d.getElementById("submit").click();
    await until(() => d.getElementById("result").dataset.state === "done", "the answer");
    return d.getElementById("result").textContent;
  };
  await check("page: account", async () => {
    const text = await submit(DEMO.user, DEMO.pass);
    if (!text.includes("Demo Telefon GmbH") || !text.includes("Status: 200")) return text;
  });
  await check("page: 401", async () => {
    const text = await submit(DEMO.user, "wrong");
    if (!text.includes("Error code: UNAUTHORIZED") || !text.includes("Status: 401")) return text;
  });
}

async function embedding() {
  await check("loader: one instance", async () => {
    const m = await import("/sipgate-account.js?copy=2");
    const [a, b] = await Promise.all([load(), m.load()]);
    if (a.fetchAccount !== b.fetchAccount || a.fetchAccount !== globalThis.fetchAccount) return "two instances";
    if (document.querySelectorAll("script[src$='wasm_exec.js']").length > 1) return "wasm_exec.js added twice";
  });
  await check("loader: the module runs in a worker", async () => {
    // Go's runtime never came to the page: the module started in its worker.
    if (typeof globalThis.Go !== "undefined") return "Go's runtime runs on the page's thread";
  });
  await check("element: lookup and event", async () => {
    const el = document.createElement("sipgate-account");
    el.setAttribute("base-url", base());
    document.body.append(el);
    const root = el.shadowRoot;
    const button = root.querySelector("button");
    while (button.disabled) await new Promise((r) => setTimeout(r, 20));
    const event = new Promise((resolve) => el.addEventListener("sipgate-account", (e) => resolve(e.detail)));
    root.querySelector("[name=user]").value = DEMO.user;
    root.querySelector("[name=pass]").value = DEMO.pass;
    button.click();
    const r = await event;
    if (!r.ok || r.account.company !== "Demo Telefon GmbH") return JSON.stringify(r).slice(0, 200);
    if (!root.querySelector("[part=result]").textContent.includes("Demo Telefon GmbH")) return "the element shows no account";
  });
}

// session: the visitor's session in this engine: its cookie (HttpOnly,
// SameSite=Strict), a token from it, two realms refreshing at once while
// the login server rotates the refresh token (Web Locks), and the
// sign-out. The server signs in for the page (/selftest/session hands
// over its session cookie): a popup is not what is checked here.
async function session(sg) {
  await check("session: none yet", async () => {
    if ((await signin.signedIn()) !== false) return "signedIn() is not false";
    const out = await settle(() => signin.accessToken({ signIn: false }));
    if (out.rejected?.code !== "SIGNED_OUT") return JSON.stringify(out);
  });
  const handed = await fetch("/selftest/session");
  if (!handed.ok) return record("session: signed in by the server", false, await handed.text());
  await check("session: signed in", async () => {
    if ((await signin.signedIn()) !== true) return "signedIn() is not true";
    if (document.cookie.includes("sipgate_session")) return "a script reads the session cookie";
  });
  await check("session: a token, and the account with it", async () => {
    const r = await signin.withAccessToken((t) => sg.fetchAccountWithToken(t, { baseURL: base() }));
    if (!r.ok || r.account.company !== "Demo Telefon GmbH") return JSON.stringify(r).slice(0, 200);
  });
  await check("session: two realms refresh at once", async () => {
    const frame = document.createElement("iframe");
    frame.title = "a second realm";
    frame.src = "session-frame.html";
    document.body.append(frame);
    await new Promise((resolve) => frame.addEventListener("load", resolve, { once: true }));
    const other = frame.contentWindow.signin;
    const ask = (m) => settle(() => m.accessToken({ fresh: true, signIn: false }));
    const outs = await Promise.all([ask(signin), ask(other), ask(signin), ask(other)]);
    frame.remove();
    const bad = outs.filter((o) => !o.resolved?.accessToken);
    if (bad.length) return JSON.stringify(bad);
    const after = await settle(() => signin.accessToken({ fresh: true, signIn: false }));
    if (!after.resolved) return "the session is lost: " + JSON.stringify(after);
  });
  await check("session: signed out", async () => {
    const out = await signin.signOut();
    if (!out.revoked) return JSON.stringify(out);
    if ((await signin.signedIn()) !== false) return "still signed in";
    const t = await settle(() => signin.accessToken({ signIn: false }));
    if (t.rejected?.code !== "SIGNED_OUT") return JSON.stringify(t);
  });
}

async function main() {
  let sg;
  try {
    sg = await load();
  } catch (e) {
    record("load the module", false, e && e.message);
  }
  if (sg) {
    record("load the module", true);
    const vectors = await loadVectors().catch((e) => record("vectors.json", false, e && e.message));
    if (vectors) {
      await headerVectors(sg, vectors);
      await statusCodes(sg, vectors);
    }
    await failures(sg);
    if (vectors) await inputRules(sg, vectors);
    await concurrent(sg);
    await check("alive after everything", async () => {
      const r = await sg.fetchAccount(DEMO.user, DEMO.pass, { baseURL: base() });
      if (!r.ok) return JSON.stringify(r.error);
    });
    await embedding();
    await session(sg);
    await pageFlow().catch((e) => record("page flow", false, e && e.message));
  }
  await fetch("/selftest/report", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ engine, userAgent: navigator.userAgent, results }),
  });
  document.documentElement.dataset.done = "true";
}

main();
