import type { ThrottleStore } from '../store/auth-store.js';

/** One counter's rule: `free` failures without delay, then 1 s, 2 s, 4 s… up to `cap` seconds. */
interface Rule {
  readonly free: number;
  readonly cap: number;
}

/**
 * The policy (SECURITY.md 32, NIST SP 800-63B 5.2.2, OWASP Authentication Cheat Sheet). Three counters grow
 * with each failure and each imposes a delay before the next attempt it covers:
 * - account+address: strict; the attacker's own address is slowed to one guess per 15 minutes;
 * - account alone: catches guesses spread over many addresses, but its delay is capped at 60 s and it does
 *   not apply to an address that signed in to that account successfully in the last 30 days, so an attacker
 *   cannot lock the owner out;
 * - address alone: catches one address spraying many accounts.
 * A counter idle for an hour starts again; a successful sign-in clears the account's counters.
 */
export const THROTTLE_POLICY = {
  pair: { free: 3, cap: 15 * 60 },
  account: { free: 10, cap: 60 },
  address: { free: 20, cap: 15 * 60 },
  resetAfterSeconds: 60 * 60,
  knownAddressSeconds: 30 * 24 * 60 * 60,
} as const;

/** Either the attempt may go on, or it is refused for `retryAfter` more seconds. */
export type ThrottleDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfter: number };

/** Per-account and per-address throttling of sign-in attempts, stored durably. Times in epoch seconds. */
export class LoginThrottle {
  readonly #store: ThrottleStore;

  constructor(store: ThrottleStore) {
    this.#store = store;
  }

  /** Whether an attempt for `username` from `address` may be checked now (no password is hashed otherwise). */
  async check(username: string, address: string, now: number): Promise<ThrottleDecision> {
    const keys = keysFor(username, address);
    const known = await this.#store.isMarked(keys.known, now);
    const waits = await Promise.all([
      this.#wait(keys.pair, THROTTLE_POLICY.pair, now),
      known ? 0 : this.#wait(keys.account, THROTTLE_POLICY.account, now),
      this.#wait(keys.address, THROTTLE_POLICY.address, now),
    ]);
    const retryAfter = Math.max(...waits);
    return retryAfter > 0 ? { allowed: false, retryAfter } : { allowed: true };
  }

  /** Counts a failed attempt (wrong password, unknown user, wrong code) against all three counters. */
  async recordFailure(username: string, address: string, now: number): Promise<void> {
    const keys = keysFor(username, address);
    const reset = THROTTLE_POLICY.resetAfterSeconds;
    await this.#store.recordFailure(keys.pair, now, reset);
    await this.#store.recordFailure(keys.account, now, reset);
    await this.#store.recordFailure(keys.address, now, reset);
  }

  /** Clears the account's counters and remembers the address as one the owner uses. */
  async recordSuccess(username: string, address: string, now: number): Promise<void> {
    const keys = keysFor(username, address);
    await this.#store.clear(keys.pair);
    await this.#store.clear(keys.account);
    await this.#store.mark(keys.known, now + THROTTLE_POLICY.knownAddressSeconds);
  }

  async #wait(key: string, rule: Rule, now: number): Promise<number> {
    const record = await this.#store.get(key);
    if (!record || now - record.lastFailureAt >= THROTTLE_POLICY.resetAfterSeconds) return 0;
    const delay = delayFor(record.failures, rule);
    return Math.max(0, record.lastFailureAt + delay - now);
  }
}

/** Seconds to wait after `failures` failures under `rule`: 0 while free, then doubling up to the cap. */
export function delayFor(failures: number, rule: Rule): number {
  if (failures <= rule.free) return 0;
  return Math.min(rule.cap, 2 ** (failures - rule.free - 1));
}

function keysFor(username: string, address: string) {
  const account = username.toLowerCase();
  return {
    pair: `pair:${account}|${address}`,
    account: `account:${account}`,
    address: `address:${address}`,
    known: `known:${account}|${address}`,
  };
}
