import type { ThrottleStore } from '../store/auth-store.js';
import { InFlight } from './in-flight.js';
import { delayFor } from './login-throttle.js';

/**
 * Wrong second-factor codes per account (docs/security.md 31, 32; NIST SP 800-63B 5.2.2: at most 100 consecutive
 * failures per account). `free` wrong codes, then 1 s, 2 s, 4 s… up to `cap` before the next code is checked,
 * and after `lockAfter` in a row no code at all until an administrator sets a new password or TOTP secret.
 * So whoever holds the password gets at most `lockAfter` guesses at a 6-digit code (about 3 in 10^6 each, one
 * step of drift) between two sign-ins of the owner, instead of ~1,200 a day through the shared counters.
 *
 * Only a person who typed the right password reaches the code step, so only they can run this counter up: it
 * needs no known-address exemption, and no one without the password can lock the owner out with it.
 */
export const SECOND_FACTOR_POLICY = {
  free: 5,
  cap: 15 * 60,
  lockAfter: 20,
} as const;

/** Either the code may be checked now, or it is refused for `retryAfter` seconds, or until an admin resets. */
export type SecondFactorDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly locked: false; readonly retryAfter: number }
  | { readonly allowed: false; readonly locked: true };

/**
 * The durable per-account counter of wrong second-factor codes, apart from {@link LoginThrottle}'s counters:
 * counted only on a wrong code, never reset by time or by a correct password, cleared only by a correct code
 * (or an administrator: a new password or TOTP secret). Times in epoch seconds.
 *
 * Like {@link LoginThrottle.reserve}, an allowed check is reserved until {@link SecondFactorThrottle.release},
 * and counts meanwhile as a failure happening now, so codes sent all at once from many interactions (each
 * opened with the right password) are checked no faster than codes sent one after the other.
 */
export class SecondFactorThrottle {
  readonly #store: ThrottleStore;
  readonly #inFlight: InFlight;

  constructor(store: ThrottleStore) {
    this.#store = store;
    this.#inFlight = new InFlight(store);
  }

  /** Whether a code for account `userId` may be checked now; when allowed, the caller must release it. */
  async reserve(userId: string, now: number): Promise<SecondFactorDecision> {
    // Taken in the store before the counter is read, so concurrent checks on any process see each other (see
    // LoginThrottle.reserve).
    const [others = 0] = await this.#inFlight.hold(heldKeys(userId), now);
    try {
      const decision = decide(await this.#store.secondFactorFailures(userId), others, now);
      if (!decision.allowed) await this.release(userId);
      return decision;
    } catch (error) {
      await this.release(userId);
      throw error;
    }
  }

  /** Ends the reservation of an allowed {@link SecondFactorThrottle.reserve}, after recording the outcome. */
  async release(userId: string): Promise<void> {
    await this.#inFlight.release(heldKeys(userId));
  }

  /** Counts a wrong (or replayed) code; resolves to whether the account is now locked. */
  async recordFailure(userId: string, now: number): Promise<boolean> {
    const record = await this.#store.recordSecondFactorFailure(userId, now);
    return record.failures >= SECOND_FACTOR_POLICY.lockAfter;
  }

  /** A correct code: the count starts again. */
  async recordSuccess(userId: string): Promise<void> {
    await this.#store.clearSecondFactorFailures(userId);
  }
}

function decide(
  record: { failures: number; lastFailureAt: number } | undefined,
  pending: number,
  now: number,
): SecondFactorDecision {
  const stored = record?.failures ?? 0;
  if (stored >= SECOND_FACTOR_POLICY.lockAfter) return { allowed: false, locked: true };
  // Checks in flight count as failures happening now.
  const failures = stored + pending;
  const last = pending > 0 ? now : (record?.lastFailureAt ?? now);
  const retryAfter = Math.max(0, last + delayFor(failures, SECOND_FACTOR_POLICY) - now);
  return retryAfter > 0 ? { allowed: false, locked: false, retryAfter } : { allowed: true };
}

/** The in-flight key of an account's code checks (apart from the sign-in throttle's keys). */
function heldKeys(userId: string): string[] {
  return [`second-factor:${userId}`];
}
