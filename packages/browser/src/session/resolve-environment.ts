import type {
  ChannelLike,
  GatehouseOptions,
  HistoryLike,
  LocationLike,
  LockManagerLike,
  StorageLike,
  TimersLike,
} from '../options.js';

/** The options with browser defaults filled in. */
export interface Environment {
  fetch: typeof fetch;
  locks: LockManagerLike | null;
  channel: ChannelLike | null;
  /** Whether the SDK opened `channel` itself (and so closes it). */
  ownsChannel: boolean;
  location: LocationLike;
  history: HistoryLike;
  storage: StorageLike | null;
  timers: TimersLike;
  now: () => number;
}

function missing(name: string): never {
  throw new TypeError(`Gatehouse needs \`${name}\`: pass it in the options outside a browser.`);
}

function defaultStorage(): StorageLike | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    // Access throws when storage is disabled (some privacy modes).
    return null;
  }
}

/** Fills in browser defaults for what the options leave out. */
export function resolveEnvironment(options: GatehouseOptions): Environment {
  const hasWindow = typeof window !== 'undefined';
  const fetchImpl =
    options.fetch ?? (typeof fetch === 'function' ? fetch.bind(globalThis) : missing('fetch'));
  const locks =
    options.locks !== undefined
      ? options.locks
      : typeof navigator !== 'undefined' && navigator.locks
        ? navigator.locks
        : null;
  const ownsChannel = options.channel === undefined && typeof BroadcastChannel === 'function';
  const channel =
    options.channel !== undefined ? options.channel : ownsChannel ? new BroadcastChannel('gatehouse') : null;
  return {
    fetch: fetchImpl,
    locks,
    channel,
    ownsChannel,
    location: options.location ?? (hasWindow ? window.location : missing('location')),
    history: options.history ?? (hasWindow ? window.history : missing('history')),
    storage: options.storage !== undefined ? options.storage : defaultStorage(),
    timers: options.timers ?? {
      set: (callback, delayMs) => setTimeout(callback, delayMs),
      clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    },
    now: options.now ?? Date.now,
  };
}
