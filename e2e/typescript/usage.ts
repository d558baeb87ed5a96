// A page's use of the module, type-checked against web/sipgate-account.d.ts
// by `make types` (part of make test). The @ts-expect-error lines are
// mistakes the types must catch: tsc fails if one of them passes.
import {
  load, SipgateError, SipgateLoadError,
  type Account, type ErrorCode, type HistoryLifeTime, type MainProductType, type Result,
} from "../../web/sipgate-account.js";
import "../../web/sipgate-account-element.js";
import { accessToken, signedIn as hasSession, signIn, signOut, SipgateSignInError, SIGN_IN_ERROR_CODES, withAccessToken, type SignInErrorCode } from "../../web/sipgate-signin.js";

async function lookUp(user: string, pass: string, token: string): Promise<string> {
  let sg;
  try {
    sg = await load({ wasmURL: new URL("https://cdn.example/sipgate-account.wasm") });
  } catch (err) {
    if (err instanceof SipgateLoadError) return `could not load ${err.url}: ${err.message}`;
    throw err;
  }
  const controller = new AbortController();
  const r: Result = await sg.fetchAccount(user, pass, { baseURL: "/v2", timeoutMs: 5000, signal: controller.signal });
  if (r.ok) {
    const company: string | undefined = r.account.company;
    const verified: boolean | undefined = r.account.verified;
    const kept: HistoryLifeTime | undefined = r.account.historyLifeTime;
    return `${company} ${verified} ${kept} ${r.account["anyOtherField"]}`;
  }
  const code: ErrorCode = r.error.code;
  const wait: number | undefined = r.error.retryAfterSeconds;
  const t = await sg.fetchAccountWithToken(token, null);
  return `${code} ${wait} ${r.status} ${t.body}`;
}

async function viaGlobals(): Promise<void> {
  try {
    const r = await globalThis.fetchAccount("token-ABC123", "secret");
    console.log(r.ok ? r.account.mainProductType : r.error.message);
  } catch (err) {
    if (err instanceof SipgateError) {
      const limit: number | undefined = err.timeoutMs;
      if (err.code === "TIMEOUT" || err.code === "ABORTED") console.log(err.message, limit);
      // @ts-expect-error a rejection's code is never a result's
      if (err.code === "UNAUTHORIZED") console.log(err.message);
    }
  }
}

// The enumerations name the documented values and accept later ones.
function productLabel(a: Account): string {
  const known: MainProductType = "FORMER_TEAM";
  const later: MainProductType = "A_TYPE_ADDED_LATER";
  if (a.mainProductType === "TEAM") return "Team";
  return `${a.mainProductType ?? known} ${later}`;
}

function element(): void {
  const el = document.createElement("sipgate-account");
  el.baseURL = "https://api.sipgate.com/v2";
  el.mode = "token";
  el.addEventListener("sipgate-account", (e) => {
    if (e.detail.ok) console.log(e.detail.account.company);
    else console.log(e.detail.error.code);
  });
  document.addEventListener("sipgate-error", (e) => console.log(e.detail.name, e.detail.message));
  document.body.append(el);
}

async function mistakes(): Promise<void> {
  const sg = await load();
  // @ts-expect-error user must be a string
  await sg.fetchAccount(42, "pass");
  // @ts-expect-error there is no password with a token
  await sg.fetchAccountWithToken("token", "pass");
  // @ts-expect-error timeoutMs is a number
  await sg.fetchAccount("u", "p", { timeoutMs: "100" });
  // @ts-expect-error not an option
  await load({ wasm: "x.wasm" });
  const r = await sg.fetchAccount("u", "p");
  // @ts-expect-error account may be null until ok is checked
  console.log(r.account.company);
  if (!r.ok) {
    // @ts-expect-error not a code of the contract
    const c: ErrorCode = "WRONG_PASSWORD";
    console.log(c, r.error.code);
  }
  const el = document.createElement("sipgate-account");
  el.mode = "signin";
  // @ts-expect-error mode is "password", "token" or "signin"
  el.mode = "oauth";
  // @ts-expect-error historyLifeTime is a string
  const kept: HistoryLifeTime = 30;
  // @ts-expect-error verified is a boolean
  const a: Account = { verified: "yes" };
  console.log(kept, a);
}

// "Sign in with sipgate", then the lookup with its token.
async function signedIn(): Promise<string> {
  const controller = new AbortController();
  try {
    const { accessToken, expiresIn, scope } = await signIn({ signal: controller.signal });
    const { fetchAccountWithToken } = await load();
    const r = await fetchAccountWithToken(accessToken, { baseURL: "/v2" });
    return `${r.status} ${expiresIn} ${scope}`;
  } catch (err) {
    if (err instanceof SipgateSignInError) {
      const code: SignInErrorCode = err.code;
      return SIGN_IN_ERROR_CODES.includes(code) ? code : "?";
    }
    throw err;
  }
}

// The session: signed in from an earlier visit, a token from it, the
// lookup retried with a fresh one, the sign-out.
async function session(): Promise<string> {
  const on: boolean = await hasSession();
  const t = await accessToken({ signIn: false, fresh: true });
  const { fetchAccountWithToken } = await load();
  const r = await withAccessToken((token) => fetchAccountWithToken(token, { baseURL: "/v2" }));
  const { revoked, message } = await signOut();
  const code: SignInErrorCode = "SIGNED_OUT";
  return `${on} ${t.expiresIn} ${r.status} ${revoked} ${message} ${code}`;
}

async function signInMistakes(): Promise<void> {
  // @ts-expect-error signIn is a boolean
  await accessToken({ signIn: "yes" });
  // @ts-expect-error the call gives a result with a status
  await withAccessToken(async (token: string) => token);
  // @ts-expect-error startURL is a string
  await signIn({ startURL: 1 });
  // @ts-expect-error not a sign-in code
  const c: SignInErrorCode = "WRONG_STATE";
  console.log(c);
}

export { lookUp, viaGlobals, productLabel, element, mistakes, signedIn, session, signInMistakes };

// The loader's download progress, typed by the event's name.
addEventListener("sipgate-account-progress", (e) => {
  const received: number = e.detail.received;
  const total: number | null = e.detail.total;
  console.log(received, total);
});
