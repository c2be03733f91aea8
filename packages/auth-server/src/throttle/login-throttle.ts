import { addressBucket, UNPARSEABLE_ADDRESS_BUCKET } from '@gatehouse/common';
import type { ThrottleRecord, ThrottleStore } from '../store/auth-store.js';
import { InFlight } from './in-flight.js';

/** One counter's rule: `free` failures without delay, then 1 s, 2 s, 4 s… up to `cap` seconds. */
interface Rule {
  readonly free: number;
  readonly cap: number;
}

/**
 * The policy (docs/security.md 32, NIST SP 800-63B 5.2.2, OWASP Authentication Cheat Sheet). Three counters grow
 * with each failure and each imposes a delay before the next attempt it covers:
 * - account+address: strict; the attacker's own address is slowed to one guess per 15 minutes;
 * - account alone: catches guesses spread over many addresses, but its delay is capped at 60 s and it does
 *   not apply to an address that signed in to that account successfully in the last 30 days, nor to a browser
 *   carrying a trusted device cookie for that account (device-cookie.ts), so an attacker cannot lock the owner
 *   out: refused attempts cost the attacker nothing, and a flood from many addresses keeps this counter at its
 *   cap for as long as it lasts;
 * - address alone: catches one address spraying many accounts.
 * Neither exemption touches the account+address and address counters. A counter idle for an hour starts again; a
 * successful sign-in clears the account's counters.
 *
 * `deviceFailures`: a device cookie stops being trusted once this many failures were made with it (counted like
 * the others: idle for `resetAfterSeconds`, it starts again), so a stolen one buys at most 5 guesses an hour
 * outside the account counter, and its holder is then back to the account counter like everyone else. Five
 * leaves the owner room for typos: her next sign-in renews the cookie with a new, unspent counter.
 */
export const THROTTLE_POLICY = {
  pair: { free: 3, cap: 15 * 60 },
  account: { free: 10, cap: 60 },
  address: { free: 20, cap: 15 * 60 },
  deviceFailures: 5,
  resetAfterSeconds: 60 * 60,
  knownAddressSeconds: 30 * 24 * 60 * 60,
} as const;

/** Either the attempt may go on, or it is refused for `retryAfter` more seconds. */
export type ThrottleDecision =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfter: number };

/**
 * Per-account and per-address throttling of sign-in attempts, stored durably. Times in epoch seconds. `device`,
 * where a method takes one, is the id {@link DeviceCookies.deviceFor} gave for a valid device cookie of this
 * account (omitted when the request had none): it stands in for a known address while fewer than
 * `THROTTLE_POLICY.deviceFailures` failures were made with it, and its failures are counted.
 *
 * Sign-in reserves each allowed attempt ({@link LoginThrottle.reserve}) until it calls
 * {@link LoginThrottle.release}: while an attempt is in flight it counts as a failure that just happened, so attempts sent all at once are throttled like
 * attempts sent one after the other (the password check takes milliseconds off the event loop, and without the
 * reservation every concurrent request passed the check before the first failure was recorded).
 */
export class LoginThrottle {
  readonly #store: ThrottleStore;
  readonly #inFlight: InFlight;

  constructor(store: ThrottleStore) {
    this.#store = store;
    this.#inFlight = new InFlight(store);
  }

  /**
   * Whether an attempt for `username` from `address` may be checked now, counting the attempts in flight;
   * reserves nothing (see {@link LoginThrottle.reserve}).
   */
  async check(username: string, address: string, now: number, device?: string): Promise<ThrottleDecision> {
    const keys = keysFor(username, address, device);
    return this.#decide(keys, now, await this.#read(keys, '', now));
  }

  /**
   * {@link LoginThrottle.check}, and when allowed, reserves the attempt: the caller must call
   * {@link LoginThrottle.release} once it has recorded the outcome (in a `finally`). Sign-in uses this one.
   */
  async reserve(username: string, address: string, now: number, device?: string): Promise<ThrottleDecision> {
    const keys = keysFor(username, address, device);
    // Taken in the store before anything is read: concurrent attempts, on this process or another, see each
    // other. The counts are those of the other attempts in flight; one that finishes while the store is read may
    // be counted twice (stricter), never missed, because it records its failure before it releases. Attempts in
    // flight with the same device cookie count too: a stolen one sent 20 times at once is not trusted 20 times.
    const holder = await this.#inFlight.take(heldKeys(keys), now);
    try {
      const decision = this.#decide(keys, now, await this.#read(keys, holder, now));
      if (!decision.allowed) await this.release(username, address, device);
      return decision;
    } catch (error) {
      await this.release(username, address, device);
      throw error;
    }
  }

  /**
   * Ends the reservation an allowed {@link LoginThrottle.reserve} made (after recording its outcome); `device`
   * must be the one given to `reserve`.
   */
  async release(username: string, address: string, device?: string): Promise<void> {
    await this.#inFlight.release(heldKeys(keysFor(username, address, device)));
  }

  /**
   * Counts a failed attempt (wrong password, unknown user, wrong code) against all three counters, whether or not
   * an exemption applied (the account counter too: an exemption skips its delay, never its count), and against
   * the device's counter when it came with a device cookie.
   */
  async recordFailure(username: string, address: string, now: number, device?: string): Promise<void> {
    const keys = keysFor(username, address, device);
    const reset = THROTTLE_POLICY.resetAfterSeconds;
    await this.#store.recordFailure(keys.pair, now, reset);
    await this.#store.recordFailure(keys.account, now, reset);
    await this.#store.recordFailure(keys.address, now, reset);
    if (keys.device) await this.#store.recordFailure(keys.device, now, reset);
  }

  /**
   * Clears the account's counters and remembers the address as one the owner uses. A device's counter is not
   * cleared: the sign-in renews the cookie with a new nonce, hence a new counter, while a copy of the old cookie
   * (if someone stole it) keeps the failures it has spent.
   */
  async recordSuccess(username: string, address: string, now: number): Promise<void> {
    const keys = keysFor(username, address);
    await this.#store.settle(
      [keys.pair, keys.account],
      keys.known === undefined
        ? undefined
        : { key: keys.known, expiresAt: now + THROTTLE_POLICY.knownAddressSeconds },
    );
  }

  /**
   * What a decision needs, read at once (one round trip on PostgreSQL): the attempts in flight other than
   * `holder`'s, the counters (the device's when there is one) and the known-address marker.
   */
  async #read(keys: ReturnType<typeof keysFor>, holder: string, now: number): Promise<Reading> {
    const reading = await this.#store.readThrottle(
      {
        inFlight: heldKeys(keys),
        holder,
        counters: [keys.pair, keys.account, keys.address, ...(keys.device ? [keys.device] : [])],
        ...(keys.known === undefined ? {} : { marker: keys.known }),
      },
      now,
    );
    const [pair = 0, account = 0, address = 0, device = 0] = reading.inFlight;
    const live = reading.counters.map((record) => liveAt(record, now));
    return {
      pending: { pair, account, address, device },
      counters: { pair: live[0], account: live[1], address: live[2], device: live[3] },
      known: reading.marked,
    };
  }

  #decide(keys: ReturnType<typeof keysFor>, now: number, reading: Reading): ThrottleDecision {
    const { pending, counters } = reading;
    const exempt =
      (keys.known !== undefined && reading.known) ||
      (keys.device !== undefined &&
        (counters.device?.failures ?? 0) + pending.device < THROTTLE_POLICY.deviceFailures);
    const retryAfter = Math.max(
      wait(counters.pair, THROTTLE_POLICY.pair, now, pending.pair),
      exempt ? 0 : wait(counters.account, THROTTLE_POLICY.account, now, pending.account),
      wait(counters.address, THROTTLE_POLICY.address, now, pending.address),
    );
    return retryAfter > 0 ? { allowed: false, retryAfter } : { allowed: true };
  }
}

/** Attempts in flight, live counters and the marker, as one decision reads them. */
interface Reading {
  pending: { pair: number; account: number; address: number; device: number };
  counters: {
    pair: ThrottleRecord | undefined;
    account: ThrottleRecord | undefined;
    address: ThrottleRecord | undefined;
    device: ThrottleRecord | undefined;
  };
  known: boolean;
}

/** Seconds to wait under `rule`, the attempts in flight counting as failures happening now. */
function wait(live: ThrottleRecord | undefined, rule: Rule, now: number, pending: number): number {
  const failures = (live?.failures ?? 0) + pending;
  if (failures === 0) return 0;
  const last = pending > 0 ? now : (live?.lastFailureAt ?? now);
  return Math.max(0, last + delayFor(failures, rule) - now);
}

/** The counter, unless it has been idle for `resetAfterSeconds` (then it counts as zero). */
function liveAt(record: ThrottleRecord | undefined, now: number): ThrottleRecord | undefined {
  return record && now - record.lastFailureAt < THROTTLE_POLICY.resetAfterSeconds ? record : undefined;
}

/** Seconds to wait after `failures` failures under `rule`: 0 while free, then doubling up to the cap. */
export function delayFor(failures: number, rule: Rule): number {
  if (failures <= rule.free) return 0;
  return Math.min(rule.cap, 2 ** (failures - rule.free - 1));
}

/** The keys an attempt holds while in flight, in the order the counts come back. */
function heldKeys(keys: ReturnType<typeof keysFor>): string[] {
  return [keys.pair, keys.account, keys.address, ...(keys.device ? [keys.device] : [])];
}

function keysFor(username: string, clientAddress: string, device?: string) {
  const account = username.toLowerCase();
  const address = addressBucket(clientAddress);
  return {
    pair: `pair:${account}|${address}`,
    account: `account:${account}`,
    address: `address:${address}`,
    // The shared bucket of addresses that are not IP addresses names no one place: whoever signs in from it must
    // not make every other client behind the same misbehaving proxy "an address the owner uses".
    known: address === UNPARSEABLE_ADDRESS_BUCKET ? undefined : `known:${account}|${address}`,
    device: device === undefined ? undefined : `device:${device}`,
  };
}
