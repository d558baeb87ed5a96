// config.js: the server's config.json, for the page and the embedding
// example: the default API base URL and, in demo mode, the demo login.

/**
 * The baseURL of config.json, by the contract's rule: an absolute URL, or
 * a path starting with a single "/" (a proxy on this origin), which
 * fetchAccount resolves against the page's origin. Anything else is
 * ignored, with a warning, and the module's default stays.
 */
export function configBaseURL(value) {
  if (typeof value !== "string" || value === "") return null;
  const isPath = value.startsWith("/") && !value.startsWith("//");
  if (isPath || URL.canParse(value)) return value;
  console.warn(`config.json: baseURL ${JSON.stringify(value)} is neither an absolute URL nor a path such as /v2; the default API is used`);
  return null;
}

/** Reads config.json; missing or broken, it is {} and the defaults stay. */
export async function readConfig() {
  try {
    const resp = await fetch("config.json", { cache: "no-cache" });
    if (!resp.ok) return {};
    const config = await resp.json();
    return config && typeof config === "object" ? config : {};
  } catch {
    return {};
  }
}

/** The demo login of config.json, or null outside demo mode. */
export function demoLogin(config) {
  const demo = config.demo;
  return demo && typeof demo.username === "string" && typeof demo.password === "string" ? demo : null;
}

/**
 * The sign-in's start of config.json: a path on this origin (such as
 * /oauth/start), where cmd/serve or the edge Worker runs "Sign in with
 * sipgate"; null when the server offers none.
 */
export function configSignIn(value) {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") ? value : null;
}
