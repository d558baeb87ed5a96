// Types for sipgate-account-element.js, which defines <sipgate-account>.
import type { Result, SipgateError, SipgateLoadError } from "./sipgate-account.js";

/** <sipgate-account base-url="…" mode="password|token|signin">: a lookup form in Shadow DOM; "signin": Sign in with sipgate. */
export declare class SipgateAccountElement extends HTMLElement {
  /** The base-url attribute as written: an absolute URL or a path such as "/v2"; "" for the default API. */
  baseURL: string;
  /** "password": Basic (login or personal access token); "token": OAuth access token. */
  mode: "password" | "token" | "signin";
}

/** The element's events; both bubble and leave the shadow root. */
export interface SipgateAccountEventMap {
  /** A response arrived; detail is the Result (any status). */
  "sipgate-account": CustomEvent<Result>;
  /** No response to show, or the module could not load. */
  "sipgate-error": CustomEvent<SipgateError | SipgateLoadError>;
}

declare global {
  interface HTMLElementTagNameMap {
    "sipgate-account": SipgateAccountElement;
  }
  interface HTMLElementEventMap extends SipgateAccountEventMap {}
  interface DocumentEventMap extends SipgateAccountEventMap {}
}
