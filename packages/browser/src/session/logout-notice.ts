import type { StorageLike } from '../options.js';

const KEY = 'gatehouse:signed-out';

/** A tab that comes back later than this from the provider's logout page is not told it was signed out. */
const NOTICE_LIFETIME_MS = 10 * 60 * 1000;

/**
 * Remembers, in this tab's `sessionStorage`, that `logout()` is sending it to the provider's logout page, so
 * that the app can say "You are signed out" when the provider sends it back: the page reloads on the way, so
 * memory would not survive. Only a timestamp, never a token. A full or blocked storage only loses the notice.
 */
export function rememberLogout(storage: StorageLike | null, nowMs: number): void {
  try {
    storage?.setItem(KEY, String(nowMs));
  } catch {
    // The notice is a courtesy: nothing else depends on it.
  }
}

/** True once after {@link rememberLogout} in this tab (within ten minutes), then false; forgets it either way. */
export function takeLogout(storage: StorageLike | null, nowMs: number): boolean {
  let raw: string | null = null;
  try {
    raw = storage?.getItem(KEY) ?? null;
    if (raw !== null) storage?.removeItem(KEY);
  } catch {
    return false;
  }
  const at = Number(raw);
  return raw !== null && Number.isFinite(at) && at <= nowMs && nowMs - at < NOTICE_LIFETIME_MS;
}
