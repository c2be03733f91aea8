import { createHmac, randomBytes } from 'node:crypto';
import { sha256, timingSafeEqual } from '@gatehouse/common';
import type { Context } from 'koa';

/**
 * The device cookie (OWASP "Slow Down Online Guessing Attacks with Device Cookies"). `__Host-` (RFC 6265bis
 * 4.1.3.2: Secure, Path=/, no Domain), so that no sibling host can plant or overwrite one.
 */
export const DEVICE_COOKIE = '__Host-gh_device';

/**
 * - `maxAgeSeconds`: 90 days, longer than a known address (30 days) because a browser outlives its address
 *   (DHCP, mobile, CGNAT, travel), and renewed by every completed sign-in, so only a browser unused for 90 days
 *   loses it. Enforced by the server too (each entry carries its issue time under the MAC): a copy kept past
 *   Max-Age is worth nothing.
 * - `maxAccounts`: one cookie holds an entry for each of the last 5 accounts that signed in on this browser.
 *   Not one entry for the last account only: on a shared computer the partner's sign-in would drop the owner's
 *   entry, and with it her exemption, exactly when her account is flooded (OWASP's threat analysis, "DoS for
 *   specific account when client is used by different accounts"). Not one cookie per account either: their
 *   number would be unbounded, every one travels on every request to this origin, and a browser over its
 *   per-site cookie limit evicts others, possibly the session cookie.
 */
export const DEVICE_COOKIE_POLICY = {
  maxAgeSeconds: 90 * 24 * 60 * 60,
  maxAccounts: 5,
} as const;

/** `<issued at, epoch seconds>.<nonce: 16 random bytes>.<HMAC-SHA256>`, all but the time base64url. */
const ENTRY = /^(\d{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
/** Between entries: a cookie-octet (RFC 6265 4.1.1) that base64url and the entry's dots never use. */
const SEPARATOR = '~';
/** Longest cookie value read: enough for `maxAccounts` entries; anything longer is not ours. */
const MAX_VALUE_LENGTH = DEVICE_COOKIE_POLICY.maxAccounts * 80;

interface Entry {
  readonly issuedAt: number;
  readonly nonce: string;
  readonly mac: string;
  readonly text: string;
}

/**
 * Issues and checks device cookies. Each entry binds (account id, issue time, nonce) with an HMAC under a key of
 * its own (not the oidc-provider cookie key: neither key's cookies can pass for the other's). The account is the
 * user id (`sub`), not the username, so a removed user's cookies do not carry over to a new user of the same
 * name, and it is not written in the cookie: an entry is checked against the account being signed in to, and
 * the cookie does not tell which accounts used this browser. Stateless: nothing is stored per cookie except the
 * failure counter {@link LoginThrottle} keeps under {@link DeviceCookies.deviceFor}'s id.
 *
 * @example
 * const device = deviceCookies.deviceFor(readDeviceCookie(ctx), user.id, now); // undefined when not trusted
 * // …after the sign-in completed:
 * writeDeviceCookie(ctx, deviceCookies.renew(readDeviceCookie(ctx), user.id, now));
 */
export class DeviceCookies {
  readonly #key: string;

  constructor(key: string) {
    this.#key = key;
  }

  /**
   * The id of the device (for its failure counter) when `value` holds an entry for `accountId` that this server
   * issued less than `maxAgeSeconds` ago; else undefined (no cookie, another account's, tampered, expired).
   * The id is a hash of the nonce, so the counter's key in the store is not part of the cookie.
   */
  deviceFor(value: string | undefined, accountId: string, now: number): string | undefined {
    const entry = parse(value).find((each) => this.#isFor(each, accountId, now));
    return entry ? sha256(entry.nonce) : undefined;
  }

  /**
   * The cookie value after a completed sign-in to `accountId`: a new entry for it first (a new nonce, so its
   * failure counter starts from zero, per OWASP's "issue a new device cookie after each successful login"),
   * then the other entries still young enough, up to `maxAccounts`. The account's older entries are dropped.
   */
  renew(value: string | undefined, accountId: string, now: number): string {
    const nonce = randomBytes(16).toString('base64url');
    const fresh = `${now}.${nonce}.${this.#mac(accountId, now, nonce)}`;
    // Others' entries cannot be checked without their account; their time is only used to drop them.
    const others = parse(value)
      .filter((each) => !this.#isFor(each, accountId, now) && isYoung(each, now))
      .map((each) => each.text);
    return [fresh, ...others].slice(0, DEVICE_COOKIE_POLICY.maxAccounts).join(SEPARATOR);
  }

  #isFor(entry: Entry, accountId: string, now: number): boolean {
    return (
      isYoung(entry, now) && timingSafeEqual(entry.mac, this.#mac(accountId, entry.issuedAt, entry.nonce))
    );
  }

  #mac(accountId: string, issuedAt: number, nonce: string): string {
    // Length-prefixed account id: no two (account, time, nonce) triples share an input.
    return createHmac('sha256', this.#key)
      .update(`gatehouse device cookie v1\n${accountId.length}:${accountId}\n${issuedAt}\n${nonce}`)
      .digest('base64url');
  }
}

/** The device cookie this request carries, if any (read raw: it is not one of oidc-provider's signed cookies). */
export function readDeviceCookie(ctx: Context): string | undefined {
  return ctx.cookies.get(DEVICE_COOKIE, { signed: false });
}

/**
 * Sets the device cookie. Written by hand: Koa's `ctx.cookies.set` refuses `Secure` on a plain-HTTP connection,
 * which is what the development server on http://localhost is (browsers treat http://localhost as a secure
 * context and keep Secure cookies from it; behind `AUTH_TRUST_PROXY` the browser's connection is HTTPS).
 * - HttpOnly: no script needs it, so an XSS cannot copy it.
 * - SameSite=Lax, not Strict: it rides wherever oidc-provider's interaction cookie (Lax) rides, which the sign-in
 *   needs anyway: the top-level navigation from the app to /auth and our own form POSTs. Strict would gain
 *   nothing: the cookie is only honoured on those POSTs, which a cross-site page cannot send with a Lax cookie
 *   and which we refuse by Fetch Metadata anyway (interactions/index.ts), and a page on another port of the
 *   same host is same-site for Strict too.
 */
export function writeDeviceCookie(ctx: Context, value: string): void {
  ctx.append(
    'Set-Cookie',
    `${DEVICE_COOKIE}=${value}; Max-Age=${DEVICE_COOKIE_POLICY.maxAgeSeconds}; Path=/; Secure; HttpOnly; SameSite=Lax`,
  );
}

function isYoung(entry: Entry, now: number): boolean {
  return now - entry.issuedAt < DEVICE_COOKIE_POLICY.maxAgeSeconds;
}

/** The well-formed entries of a cookie value, at most `maxAccounts` (the rest is ignored). */
function parse(value: string | undefined): Entry[] {
  if (!value || value.length > MAX_VALUE_LENGTH) return [];
  const entries: Entry[] = [];
  for (const text of value.split(SEPARATOR).slice(0, DEVICE_COOKIE_POLICY.maxAccounts)) {
    const match = ENTRY.exec(text);
    if (match?.[1] && match[2] && match[3])
      entries.push({ issuedAt: Number(match[1]), nonce: match[2], mac: match[3], text });
  }
  return entries;
}
