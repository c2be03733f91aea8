import type { ApiErrorCode } from './error-codes.js';
import type { FlowStep } from './flow-step.js';
import type { User } from './user.js';

/** `GET /api/login` → 200, with a login-transaction cookie. */
export interface LoginAnswer {
  /** Where the browser goes next: the provider's authorization endpoint. */
  login_url: string;
  /** Steps 1–2, when the API's flow inspector is on. */
  flow?: FlowStep[];
}

/** The API's own access token and who it is for: `POST /api/refresh` → 200, with a rotated refresh cookie. */
export interface TokenAnswer {
  access_token: string;
  token_type: 'Bearer';
  /** Seconds. */
  expires_in: number;
  user: User;
}

/** `GET /api/callback` → 200, with the refresh cookie. */
export interface CallbackAnswer extends TokenAnswer {
  /** A same-origin path: where the app goes back to. */
  return_to: string;
  /** Steps 7–10, when the API's flow inspector is on. */
  flow?: FlowStep[];
}

/** `POST /api/logout` → 200: where the browser goes to end the provider's session too. */
export interface LogoutAnswer {
  logout_url: string;
}

/** `GET /api/me` → 200: the user the bearer token names (from the token, so without `email_verified`). */
export type MeAnswer = Omit<User, 'email_verified'>;

/** Every error answer of the API: 4xx for the caller's fault, 502/503/504 when the provider fails. */
export interface ErrorAnswer {
  error: ApiErrorCode;
  /** Written for the developer by the API; never raw provider text. */
  error_description: string;
  /** A refused callback, when the API's flow inspector is on: the steps up to the failure (7–9). */
  flow?: FlowStep[];
  /** A refused callback, when the flow inspector is on: the named check that refused it (`check-id-token-audience`). */
  failed_check?: string;
  /** A refused callback, when the flow inspector is on: what the check found, for the developer, secrets masked. */
  failure_detail?: string;
}
