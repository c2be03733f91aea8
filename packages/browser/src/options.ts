/** The part of the Web Locks API the SDK uses (`navigator.locks`). */
export interface LockManagerLike {
  request<T>(
    name: string,
    options: { mode?: 'exclusive'; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<T>,
  ): Promise<T>;
}

/** The part of `BroadcastChannel` the SDK uses. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  close(): void;
}

/** The part of `window.location` the SDK uses. */
export interface LocationLike {
  readonly href: string;
  assign(url: string): void;
}

/** The part of `window.history` the SDK uses. */
export interface HistoryLike {
  readonly state: unknown;
  replaceState(data: unknown, unused: string, url?: string | URL | null): void;
}

/** The part of `sessionStorage` the SDK uses (the login verifier and timestamps, never a token). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Timers, injectable so tests can drive the refresh schedule without waiting. */
export interface TimersLike {
  set(callback: () => void, delayMs: number): unknown;
  clear(handle: unknown): void;
}

/**
 * Options of {@link createGatehouse}. In a browser every option has a working default; tests in Node inject
 * `fetch`, `locks`, `channel`, `location`, `history` and `storage`.
 */
export interface GatehouseOptions {
  /** Where the API lives. Default: this page's origin (the API serves the SPA). */
  apiBase?: string;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Default: `navigator.locks` when present; without it, refresh is serialized within this tab only. */
  locks?: LockManagerLike | null;
  /** Default: `new BroadcastChannel('gatehouse')` when present; `null` turns cross-tab sharing off. */
  channel?: ChannelLike | null;
  /** Default: `window.location`. */
  location?: LocationLike;
  /** Default: `window.history`. */
  history?: HistoryLike;
  /** Default: `window.sessionStorage` when usable: the tab's login verifier (`login()` needs it), timestamps. */
  storage?: StorageLike | null;
  /** Clock in epoch milliseconds. Default: `Date.now`. */
  now?: () => number;
  /** Default: `setTimeout` / `clearTimeout`. */
  timers?: TimersLike;
  /** Refresh this many seconds before the access token expires (capped at half its lifetime). Default: 30. */
  refreshLeewaySeconds?: number;
}
