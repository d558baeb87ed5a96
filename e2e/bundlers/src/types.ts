// Type-checked by tsc against the package's own types (not bundled).
import { load, type Account, type ErrorCode, type Result } from "sipgate-account";
import type { SipgateAccountElement } from "sipgate-account/element";
import { signIn, SipgateSignInError, type SignInErrorCode } from "sipgate-account/signin";

export async function company(): Promise<string> {
  const { fetchAccount } = await load({ wasmURL: new URL("https://cdn.example/sipgate-account.wasm") });
  const r: Result = await fetchAccount("token-ABC123", "secret", { baseURL: "/v2", timeoutMs: 5000 });
  if (!r.ok) {
    const code: ErrorCode = r.error.code;
    return code;
  }
  const a: Account = r.account;
  return `${a.company ?? ""} ${a.historyLifeTime ?? ""}`;
}

export function element(): SipgateAccountElement {
  const el = document.createElement("sipgate-account");
  el.mode = "token";
  return el;
}

export async function signedIn(): Promise<string> {
  try {
    const { accessToken, expiresIn } = await signIn({ startURL: "/oauth/start" });
    const { fetchAccountWithToken } = await load();
    const r = await fetchAccountWithToken(accessToken, { baseURL: "/v2" });
    return `${r.status} ${expiresIn}`;
  } catch (err) {
    if (err instanceof SipgateSignInError) {
      const code: SignInErrorCode = err.code;
      return code;
    }
    throw err;
  }
}
