import type { FlowStep, User } from '@gatehouse/contract';

/** Why the signed-in state changed. */
export type ChangeReason = 'signed-in' | 'refreshed' | 'signed-out';

/** Called with the current user (or `null`) each time the session changes, in this tab or another. */
export type ChangeListener = (user: User | null, reason: ChangeReason) => void;

/** Options of {@link Gatehouse.login}. */
export interface LoginOptions {
  /** A same-origin path to come back to after sign-in, e.g. `/contacts`. Default: the API's choice (`/`). */
  returnTo?: string;
}

/** What {@link Gatehouse.handleCallback} resolves to. */
export interface CallbackResult {
  user: User;
  /** A same-origin path (starts with a single `/`); the app navigates there. */
  returnTo: string;
  /** The ten steps of the flow, when the API has the flow inspector on; `undefined` otherwise. */
  flow: FlowStep[] | undefined;
}

/** The SDK instance returned by `createGatehouse()`. */
export interface Gatehouse {
  /** The signed-in user, or `null`. */
  readonly user: User | null;
  /** Steps 1–3: asks the API for a login URL, then navigates the browser there. Never resolves on success. */
  login(options?: LoginOptions): Promise<void>;
  /** Steps 6–7, on the `/callback` page: cleans the address bar, exchanges the code through the API. */
  handleCallback(): Promise<CallbackResult>;
  /** Resolves to a valid access token, refreshing first when it is about to expire. */
  getAccessToken(): Promise<string>;
  /** `fetch` with the bearer token; on a 401 refreshes once and retries once. */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /** Ends the session at the API, signs every tab out, then navigates to the provider's logout URL. */
  logout(): Promise<void>;
  /** On page load: silently refreshes through the HttpOnly cookie. Resolves to the user, or `null` when signed out. */
  restore(): Promise<User | null>;
  /**
   * On page load: true once when this tab comes back from the logout page `logout()` sent it to (within ten
   * minutes), so the app can say "You are signed out"; false otherwise, and on every later call.
   */
  takeLoggedOut(): boolean;
  /** Subscribes to session changes; returns the unsubscribe function. */
  onChange(listener: ChangeListener): () => void;
  /** Stops timers and closes the tab channel (tests, or an app tearing the SDK down). */
  close(): void;
}
