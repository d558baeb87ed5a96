// Types for sipgate-account.js (the loader) and for the globals the module
// installs; the element's are in sipgate-account-element.d.ts. The contract
// they describe is docs/javascript-api.md.

/** Options of every call. Each may be left out (or undefined) for its default. */
export interface FetchOptions {
  /**
   * The API root: an absolute URL (https, or http to a loopback host), or a
   * path starting with a single "/" (such as "/v2", a proxy on this origin),
   * resolved against the page's origin. Default "https://api.sipgate.com/v2".
   */
  baseURL?: string;
  /** Bounds the whole call, reading the body included; a number > 0. Default 15000. */
  timeoutMs?: number;
  /** Aborting it rejects the call with ABORTED. */
  signal?: AbortSignal;
}

/**
 * A value of a string enumeration that still accepts a value the API adds
 * later: editors suggest the known ones, and any other string type-checks.
 */
type OpenEnum<Known extends string> = Known | (string & {});

/** The account's product type, per sipgate's published definition; FORMER_… for one no longer booked. */
export type MainProductType = OpenEnum<
  | "AFFILIATE" | "BASIC" | "CLINQ" | "SATELLITE" | "SIMQUADRAT" | "TEAM" | "TRUNKING"
  | "FORMER_AFFILIATE" | "FORMER_BASIC" | "FORMER_CLINQ" | "FORMER_SATELLITE" | "FORMER_SIMQUADRAT"
  | "FORMER_TEAM" | "FORMER_TRUNKING"
  | "UNKNOWN"
>;

/** How long the account's call history is kept. */
export type HistoryLifeTime = OpenEnum<"NONE" | "THIRTY_DAYS" | "UNLIMITED">;

/**
 * The account as the API sends it (GET /v2/account, scope account:read).
 * Every field is optional, so {} is an account too; any other field is
 * passed through.
 */
export interface Account {
  company?: string;
  mainProductType?: MainProductType;
  /** Any string: sipgate's own example value is "logoUrl". Check it is a URL before showing it. */
  logoUrl?: string;
  verified?: boolean;
  historyLifeTime?: HistoryLifeTime;
  [field: string]: unknown;
}

/** error.code of a response that is not the account. */
export type ResultErrorCode =
  | "UNAUTHORIZED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "METHOD_NOT_ALLOWED"
  | "RATE_LIMITED"
  | "SERVER_ERROR"
  | "HTTP_ERROR"
  | "BAD_RESPONSE"
  | "RESPONSE_TOO_LARGE";

/** code of a rejection: no HTTP response to show. INTERNAL is a recovered fault of the module. */
export type RejectionCode = "INVALID_ARGUMENT" | "NETWORK" | "TIMEOUT" | "ABORTED" | "INTERNAL";

/** Every error code. */
export type ErrorCode = ResultErrorCode | RejectionCode;

interface ResultBase {
  /** The HTTP status code. */
  status: number;
  /** May be "". */
  statusText: string;
  /** The response body as text, at most 1 MiB. */
  body: string;
}

/** A 2xx response whose body is a JSON object: the account. */
export interface SuccessResult extends ResultBase {
  ok: true;
  account: Account;
  error: null;
}

/** What went wrong in a response that is not the account. */
export interface ResultError {
  code: ResultErrorCode;
  message: string;
  /** RATE_LIMITED only, when the API's Retry-After is readable: the seconds it asks to wait. */
  retryAfterSeconds?: number;
}

/** Any other HTTP response. */
export interface FailureResult extends ResultBase {
  ok: false;
  account: null;
  error: ResultError;
}

/** What a call resolves with: an HTTP response arrived (any status). */
export type Result = SuccessResult | FailureResult;

/**
 * What a call rejects with: no HTTP response to show. One class per page,
 * whichever thread the module runs on: test with instanceof.
 */
export declare class SipgateError extends Error {
  name: "SipgateError";
  code: RejectionCode;
  /** TIMEOUT only: the limit that fired, in milliseconds. */
  timeoutMs?: number;
  constructor(message: string, facts?: { code?: RejectionCode; timeoutMs?: number; cause?: unknown });
}

/** Looks up the account with Basic credentials: a login, or a personal access token's ID and token. */
export type FetchAccount = (user: string, pass: string, options?: FetchOptions | null) => Promise<Result>;

/** Looks up the account with an OAuth access token, sent as a Bearer token. */
export type FetchAccountWithToken = (accessToken: string, options?: FetchOptions | null) => Promise<Result>;

/** What load() resolves with. */
export interface SipgateAccount {
  fetchAccount: FetchAccount;
  fetchAccountWithToken: FetchAccountWithToken;
}

/**
 * Where the module's files are; relative URLs are taken relative to where they are by default, beside
 * sipgate-account.js (or to the page, in a bundle where import.meta.url is empty, which must name all three).
 */
export interface LoadOptions {
  /** Default: sipgate-account.wasm beside sipgate-account.js (a bundler rewrites it to the emitted asset). */
  wasmURL?: string | URL;
  /** Default: wasm_exec.js beside sipgate-account.js (a bundler rewrites it to the emitted asset). */
  wasmExecURL?: string | URL;
  /** Default: sipgate-account-host.js beside sipgate-account.js, the module Worker's script (a bundler bundles it as a worker). */
  workerURL?: string | URL;
  /** false runs the module on the page's thread; by default it runs in a module Web Worker and the page's functions forward to it. */
  worker?: boolean;
  /**
   * Subresource Integrity values by file name, as integrity.json has them (the whole manifest may be given):
   * only these bytes of sipgate-account.wasm, wasm_exec.js and sipgate-account-host.js run, in the Worker and
   * on the page alike. Given at all, it must have a value for each of the three.
   */
  integrity?: Readonly<Record<string, string>>;
}

/** Why load() failed, and which file. */
export declare class SipgateLoadError extends Error {
  name: "SipgateLoadError";
  /**
   * INTEGRITY: a pinned file's bytes are not the ones pinned, or a file
   * could not be checked (no value for it, or a module started from files
   * load() cannot check); LOAD_FAILED: anything else.
   */
  code: "INTEGRITY" | "LOAD_FAILED";
  /** The file that could not be loaded, without its query and fragment. */
  url: string;
  constructor(message: string, url: string | URL, options?: ErrorOptions & { code?: "INTEGRITY" | "LOAD_FAILED" });
}

/**
 * Loads the module once per page, however often it is called. A call that
 * names other files than the ones the running module started from rejects
 * with a SipgateLoadError: options are never dropped silently.
 */
export declare function load(options?: LoadOptions | null): Promise<SipgateAccount>;

/** The detail of the sipgate-account-progress event the loader dispatches on the page's window. */
export interface SipgateAccountProgress {
  /** Bytes of the module received so far, as unpacked. */
  received: number;
  /** The module's size where the server says it (no content coding), else null. */
  total: number | null;
}

declare global {
  interface WindowEventMap {
    /** While the loader's module downloads, at most every 250 ms. */
    "sipgate-account-progress": CustomEvent<SipgateAccountProgress>;
  }
  /** Installed by the module once it runs. */
  var fetchAccount: FetchAccount;
  /** Installed by the module once it runs. */
  var fetchAccountWithToken: FetchAccountWithToken;
}
