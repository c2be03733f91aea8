import { createHmac, randomInt } from 'node:crypto';
import { randomToken, timingSafeEqual } from '@gatehouse/common';
import type { AuthStore } from '../store/auth-store.js';

/** How many recovery codes a set has. */
export const RECOVERY_CODE_COUNT = 10;

/** 32 symbols, without 0/O and 1/I: 12 of them are 60 bits, typed as `XXXX-XXXX-XXXX`. */
const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const LENGTH = 12;
const CODE = new RegExp(`^[${ALPHABET}]{${LENGTH}}$`);

/**
 * The key recovery codes are hashed with (HMAC-SHA256), kept sealed in the store like the other server secrets:
 * a copy of the database without `secrets.key` cannot test guesses against the hashes offline.
 */
async function hashKey(store: AuthStore): Promise<string> {
  return store.secrets.getOrCreate('recovery-code-key', () => randomToken(32));
}

/** A code as typed (any case, spaces or dashes anywhere) in its canonical form, or undefined when it cannot be one. */
export function normalizeRecoveryCode(input: string): string | undefined {
  if (input.length > 64) return undefined;
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  return CODE.test(code) ? code : undefined;
}

function hashCode(key: string, userId: string, code: string): string {
  // Bound to the user: one account's hash is worth nothing in another account's rows.
  return createHmac('sha256', key).update(`${userId}:${code}`).digest('base64url');
}

/**
 * Makes a new set of {@link RECOVERY_CODE_COUNT} codes for `userId`, voiding every earlier one, and returns them:
 * the only time they exist in clear. Stored as HMAC-SHA256 with a server key (docs/security.md 44).
 */
export async function createRecoveryCodes(store: AuthStore, userId: string, now: number): Promise<string[]> {
  const key = await hashKey(store);
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
  );
  await store.authenticators.replaceRecoveryCodes(
    userId,
    codes.map((code) => hashCode(key, userId, code)),
    now,
  );
  return codes.map(formatRecoveryCode);
}

/** `ABCDEFGHJKMN` → `ABCD-EFGH-JKMN`, as shown and printed. */
export function formatRecoveryCode(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code;
}

/**
 * Uses one of the account's recovery codes: compares the typed code's hash with every unused one in constant
 * time (no early exit), then marks the match used in one statement, so a code works once even when sent twice
 * at the same moment (docs/security.md 44). Resolves to how many are left, or undefined when nothing matched.
 */
export async function useRecoveryCode(
  store: AuthStore,
  userId: string,
  input: string,
  now: number,
): Promise<{ remaining: number } | undefined> {
  const code = normalizeRecoveryCode(input);
  const unused = await store.authenticators.unusedRecoveryCodes(userId);
  if (code === undefined || unused.length === 0) return undefined;
  const hash = hashCode(await hashKey(store), userId, code);
  let match: number | undefined;
  for (const candidate of unused) {
    if (timingSafeEqual(candidate.hash, hash)) match ??= candidate.id;
  }
  if (match === undefined || !(await store.authenticators.useRecoveryCode(userId, match, now)))
    return undefined;
  return { remaining: unused.length - 1 };
}
