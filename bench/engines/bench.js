// One engine's figures, measured in-page the same way in every engine.
// Query: engine, run (1..runs), runs, calls. Each run is a fresh page load
// that loads the module from a URL of its own (an empty cache for it) and
// reports its ready time, and, in turn with it (the order turning round
// each run), the floor's (bench/minimalclient in a module Worker, also from
// a URL of its own): each from the call that starts it until it runs. The
// last run also times calls, ours against plain
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

// floorStart starts the floor in a module Worker and resolves with the
// milliseconds until it runs.
const floorStart = () => new Promise((resolve, reject) => {
  const t0 = performance.now();
  const worker = new Worker(`/bench/minimal/worker.js?run=${run}`, { type: "module" });
  worker.onerror = (e) => reject(new Error(`the floor's Worker: ${e.message}`));
  worker.onmessage = (e) => {
    if (!e.data.ready) return;
    resolve(performance.now() - t0);
    worker.terminate();
  };
});

async function main() {
  let sg, start, floor;
  const ours = async () => {
    const t0 = performance.now();
    sg = await load({ wasmURL: `/sipgate-account.wasm?run=${run}` });
    start = performance.now() - t0;
  };
  if (run % 2) {
    await ours();
    floor = await floorStart();
  } else {
    floor = await floorStart();
    await ours();
  }
  const ready = performance.getEntriesByName("sipgate-ready")[0].startTime;
  if (run < runs) {
    await post({ ready, start, floor });
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
  const call = () => sg.fetchAccount(user, pass, { baseURL: base });
  const time = async (fn, n, into) => {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const r = await fn();
      if (!r.ok) throw new Error("a call failed");
    }
    into.push((performance.now() - t0) / n);
  };
  await time(call, 20, []); // warm-up
  await time(plain, 20, []);
  const o = [], p = [];
  for (let done = 0; done < calls; done += 25) {
    await time(call, 25, o);
    await time(plain, 25, p);
  }
  await post({ ready, start, floor, callMs: median(o), plainMs: median(p), final: true });
}

main().catch((e) => post({ error: String(e && e.stack || e), final: true }));
