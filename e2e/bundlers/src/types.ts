// Type-checked by tsc against the package's own types (not bundled).
import { load, type Account, type ErrorCode, type Result } from "sipgate-account";
import type { SipgateAccountElement } from "sipgate-account/element";

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
