import { randomUUID } from 'node:crypto';
import type { ThrottleStore } from '../store/auth-store.js';

/**
 * How long a reservation lasts at most (seconds): an attempt takes milliseconds, so this only matters for one
 * whose process died holding it, which then counts as a recent failure for this long.
 */
export const IN_FLIGHT_SECONDS = 30;

/**
 * Attempts under way per throttle key, kept in the store ({@link ThrottleStore.holdInFlight}) so that every
 * process sees every other's (docs/security.md 32). The throttles count them as failures happening now, so
 * attempts sent all at once, to one process or to several, are throttled like attempts sent one after the other
 * (the check itself awaits the store and the hash, and without this every concurrent attempt passed before the
 * first failure was recorded).
 */
export class InFlight {
  readonly #store: ThrottleStore;
  /** This process's reservations by the keys they hold, so that a release with the same keys ends one. */
  readonly #holders = new Map<string, string[]>();

  constructor(store: ThrottleStore) {
    this.#store = store;
  }

  /** How many are under way on each of `keys`. */
  count(keys: readonly string[], now: number): Promise<number[]> {
    return this.#store.countInFlight(keys, now);
  }

  /** Takes one on each of `keys`; resolves to how many others were under way on each. */
  async hold(keys: readonly string[], now: number): Promise<number[]> {
    const holder = randomUUID();
    const id = keys.join('\u0000');
    this.#holders.set(id, [...(this.#holders.get(id) ?? []), holder]);
    try {
      return await this.#store.holdInFlight(holder, keys, now, now + IN_FLIGHT_SECONDS);
    } catch (error) {
      await this.release(keys);
      throw error;
    }
  }

  /**
   * Takes one on each of `keys` and counts nothing: the caller counts with {@link ThrottleStore.readThrottle}
   * (holder given), once this resolved. Resolves to the holder id.
   */
  async take(keys: readonly string[], now: number): Promise<string> {
    const holder = randomUUID();
    const id = keys.join('\u0000');
    this.#holders.set(id, [...(this.#holders.get(id) ?? []), holder]);
    try {
      await this.#store.takeInFlight(holder, keys, now + IN_FLIGHT_SECONDS);
      return holder;
    } catch (error) {
      await this.release(keys);
      throw error;
    }
  }

  /** Gives back one taken with {@link InFlight.hold} or {@link InFlight.take} on the same keys. */
  async release(keys: readonly string[]): Promise<void> {
    const id = keys.join('\u0000');
    const holders = this.#holders.get(id) ?? [];
    const holder = holders.pop();
    if (holders.length === 0) this.#holders.delete(id);
    if (holder === undefined) return;
    // A release that fails (the database went away) must not replace the attempt's own outcome: the
    // reservation ends by itself at its expiry.
    await this.#store.releaseInFlight(holder).catch(() => undefined);
  }
}
