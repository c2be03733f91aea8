import type { FlowStep } from '@gatehouse/contract';

/**
 * Every way a Gatehouse SDK call can fail, as a stable string a caller can `switch` on.
 *
 * - `login_failed`: `GET /api/login` did not give a login URL.
 * - `callback_failed`: the auth server answered with an error, or the API refused the callback.
 * - `state_mismatch`: the API found no login transaction for this browser and tab, or its `state` differed (replay, CSRF).
 * - `network_error`: the API could not be reached (offline, DNS, CORS, aborted).
 * - `not_authenticated`: there is no session; sign in first.
 * - `session_expired`: the session ended (refresh refused, logout in another tab) while a call needed it.
 * - `refresh_failed`: the API failed to refresh for a reason other than "no session" (5xx, malformed answer).
 * - `logout_failed`: the API refused or failed the logout; this tab is signed out anyway.
 * - `foreign_origin`: `fetch()` was asked to send the token to another origin than the API's.
 */
export type GatehouseErrorCode =
  | 'login_failed'
  | 'callback_failed'
  | 'state_mismatch'
  | 'network_error'
  | 'not_authenticated'
  | 'session_expired'
  | 'refresh_failed'
  | 'logout_failed'
  | 'foreign_origin';

/** Extra facts about a failure, all optional. */
export interface GatehouseErrorDetails {
  /** HTTP status of the API's answer, when there was one. */
  status?: number;
  /** The API's (or the auth server's, on an error callback) OAuth `error` value, e.g. `invalid_grant`. */
  serverError?: string;
  /** The API's `error_description`, when it sent one. Written by our API, never raw provider text. */
  description?: string;
  /** The underlying exception (a `TypeError` from `fetch`, for instance). */
  cause?: unknown;
  /** A refused sign-in, when the API has the flow inspector on: the steps up to the failure. */
  flow?: FlowStep[];
  /** A refused sign-in, when the API has the flow inspector on: the named check that refused it. */
  failedCheck?: string;
  /** A refused sign-in, when the API has the flow inspector on: what the check found (secrets masked). */
  failureDetail?: string;
}

/**
 * The one error class the SDK throws. `message` is a sentence an app can show as is.
 *
 * @example
 * ```ts
 * try {
 *   await gatehouse.handleCallback();
 * } catch (error) {
 *   if (error instanceof GatehouseError && error.code === 'state_mismatch') showRetry(error.message);
 * }
 * ```
 */
export class GatehouseError extends Error {
  override readonly name = 'GatehouseError';
  /** Which case this is; stable across versions. */
  readonly code: GatehouseErrorCode;
  /** HTTP status of the API's answer, when there was one. */
  readonly status: number | undefined;
  /** The server's OAuth `error` code, passed through. */
  readonly serverError: string | undefined;
  /** The API's `error_description`, when it sent one. */
  readonly description: string | undefined;
  /**
   * A refused sign-in (`handleCallback`), when the API has the flow inspector on: the steps up to the failure,
   * the one that failed marked `error`; `undefined` otherwise (as in production).
   */
  readonly flow: FlowStep[] | undefined;
  /** The API's named check that refused the sign-in (`check-id-token-audience`), with the inspector on. */
  readonly failedCheck: string | undefined;
  /** What that check found, for the developer (secrets masked), with the inspector on. */
  readonly failureDetail: string | undefined;

  constructor(code: GatehouseErrorCode, message: string, details: GatehouseErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.serverError = details.serverError;
    this.description = details.description;
    this.flow = details.flow;
    this.failedCheck = details.failedCheck;
    this.failureDetail = details.failureDetail;
  }
}
