// Types for sipgate-signin.js: "Sign in with sipgate" (docs/javascript-api.md).

/** Why a sign-in failed. */
export type SignInErrorCode =
  | "POPUP_BLOCKED" | "CLOSED" | "ABORTED" | "DENIED" | "STATE" | "REFUSED" | "UNREACHABLE" | "BAD_INPUT"
  | "SIGNED_OUT" | "NO_SIGN_IN" | "RATE_LIMITED";

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

/** Whether this browser has a session with the site, without asking sipgate. Rejects with NO_SIGN_IN where the site offers none. */
export declare function signedIn(options?: { signal?: AbortSignal }): Promise<boolean>;

export interface AccessTokenOptions extends SignInOptions {
  /** Sign in (a popup: call it from a click) where there is no session. Default true. */
  signIn?: boolean;
  /** Ask the session for a fresh token even if the one in memory looks valid. */
  fresh?: boolean;
}

/**
 * A valid access token: the one in memory while it has life left, else a
 * fresh one from the visitor's session (kept by the server), else from a
 * sign-in. Rejects with SIGNED_OUT (no session, signIn false) or NO_SIGN_IN.
 */
export declare function accessToken(options?: AccessTokenOptions): Promise<SignInResult>;

/** Runs call with a valid token, and once more with a fresh one if the result's status is 401. */
export declare function withAccessToken<R extends { status: number }>(call: (accessToken: string) => Promise<R>, options?: AccessTokenOptions): Promise<R>;

/** What signOut() resolves with: whether the login server confirmed the revocation. */
export interface SignOutResult {
  revoked: boolean;
  /** Why it was not confirmed; "" when it was. */
  message: string;
}

/** Ends the visitor's session: revoked at the login server, the cookie cleared, the token in memory dropped. */
export declare function signOut(options?: { signal?: AbortSignal }): Promise<SignOutResult>;
