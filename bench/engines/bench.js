// One engine's figures, measured in-page the same way in every engine.
// Query: engine, run (1..runs), runs, calls. Each run is a fresh page load
// that loads the module from a URL of its own (an empty cache for it) and
// reports its ready time; the last run also times calls, ours against plain
// fetch + btoa + JSON.parse, interleaved in blocks of 25. A block is timed as
// a whole and divided, because Firefox and WebKit round performance.now()
// to a millisecond; the figure is the median of the blocks.
import { load } from "/sipgate-account.js";

const q = new URLSearchParams(location.search);
const engine = q.get("engine");
const run = Number(q.get("run"));
const runs = Number(q.get("runs"));
const calls = Number(q.get("calls"));

const post = (body) =>
  fetch("/bench/engines/report", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ engine, run, ...body }),
  });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const sg = await load({ wasmURL: `/sipgate-account.wasm?run=${run}` });
  const ready = performance.getEntriesByName("sipgate-ready")[0].startTime;
  if (run < runs) {
    await post({ ready });
    location.replace(`?engine=${engine}&run=${run + 1}&runs=${runs}&calls=${calls}`);
    return;
  }
  const base = `${location.origin}/v2`;
  const user = "demo@example.com", pass = "demo-password";
  const plain = async () => {
    const r = await fetch(`${base}/account`, {
      headers: { Authorization: "Basic " + btoa(`${user}:${pass}`), Accept: "application/json" },
      credentials: "omit", redirect: "error",
    });
    const body = await r.text();
    return { ok: r.ok, account: r.ok ? JSON.parse(body) : null };
  };
  const ours = () => sg.fetchAccount(user, pass, { baseURL: base });
  const time = async (fn, n, into) => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const r = await fn();
      if (!r.ok) throw new Error("a call failed");
    }
    into.push((performance.now() - t0) / n);
  };
  await time(ours, 20, []); // warm-up
  await time(plain, 20, []);
  const o = [], p = [];
  for (let done = 0; done < calls; done += 25) {
    await time(ours, 25, o);
    await time(plain, 25, p);
  }
  await post({ ready, callMs: median(o), plainMs: median(p), final: true });
}

main().catch((e) => post({ error: String(e && e.stack || e), final: true }));
