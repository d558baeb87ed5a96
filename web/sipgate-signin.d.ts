// Types for sipgate-signin.js: "Sign in with sipgate" (docs/javascript-api.md).

/** Why a sign-in failed. */
export type SignInErrorCode =
  | "POPUP_BLOCKED" | "CLOSED" | "ABORTED" | "DENIED" | "STATE" | "REFUSED" | "UNREACHABLE" | "BAD_INPUT";

export declare const SIGN_IN_ERROR_CODES: readonly SignInErrorCode[];

/** One class per page (the loader's error module's), so instanceof holds for every copy. */
export declare class SipgateSignInError extends Error {
  readonly name: "SipgateSignInError";
  readonly code: SignInErrorCode;
  constructor(code: SignInErrorCode, message: string);
}

export interface SignInOptions {
  /** The sign-in's start, on this page's origin. Default "/oauth/start". */
  startURL?: string;
  /** Aborting it closes the window and rejects with ABORTED. */
  signal?: AbortSignal;
}

/** The access token, for fetchAccountWithToken; keep it in memory only. */
export interface SignInResult {
  accessToken: string;
  /** Seconds from now until it expires; 0 when the login server did not say. */
  expiresIn: number;
  scope: string;
}

/** Opens the sign-in in a popup; call it from a click. */
export declare function signIn(options?: SignInOptions): Promise<SignInResult>;
