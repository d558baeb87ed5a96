// make bench's floor for a proxying Worker: plain JavaScript that only
// forwards GET /v2/account upstream, with a timeout, and hands the answer
// back. What workerd costs any Worker that proxies; the difference to the
// real Worker (edge/) is what its rules and its Go side cost.
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const resp = await fetch(env.UPSTREAM + url.pathname, {
      headers: { Authorization: request.headers.get("Authorization") ?? "", Accept: "application/json" },
      redirect: "manual",
      signal: AbortSignal.timeout(10000),
    });
    return new Response(await resp.arrayBuffer(), { status: resp.status, headers: { "Content-Type": resp.headers.get("Content-Type") ?? "" } });
  },
};
