import { LOGIN_CHALLENGE_HEADER, LOGIN_VERIFIER_HEADER } from '@gatehouse/contract';
import { GatehouseError } from '../gatehouse-error.js';
import type { StorageLike } from '../options.js';

const KEY = 'gatehouse:login-verifier';

/**
 * The login verifier binds a login to the tab that started it (docs/security.md 51). Cookies are not separated
 * by port, so a page on another port of the same host could plant its own login-transaction cookie and send
 * this tab to its callback; `sessionStorage` belongs to this origin (port included) and this tab only. The
 * verifier stays here; `/api/login` gets its SHA-256 and `/api/callback` the verifier, both in a header, never
 * the URL. One verifier serves every login of the tab until a callback takes it, so two logins started at once
 * in one tab (a double click) cannot leave it holding the wrong one. Returns the headers for `/api/login`.
 */
export async function loginChallengeHeaders(storage: StorageLike | null): Promise<Record<string, string>> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    throw new GatehouseError(
      'login_failed',
      'Signing in needs a secure context (https://, or http://localhost) for its Web Crypto API.',
    );
  }
  let verifier: string | null;
  try {
    verifier = storage?.getItem(KEY) ?? null;
    if (verifier === null) {
      verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
      if (storage === null) throw new Error('no sessionStorage');
      storage.setItem(KEY, verifier);
    }
  } catch (cause) {
    throw new GatehouseError(
      'login_failed',
      'Signing in needs sessionStorage, which this browser blocks for this site.',
      { cause },
    );
  }
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { [LOGIN_CHALLENGE_HEADER]: base64url(new Uint8Array(digest)) };
}

/**
 * Reads and forgets the tab's login verifier (a callback spends the login whatever its outcome) and returns the
 * headers for `/api/callback`: none when this tab holds no verifier (a login it did not start), which the API
 * refuses, spending the transaction.
 */
export function takeLoginVerifierHeaders(storage: StorageLike | null): Record<string, string> {
  let verifier: string | null = null;
  try {
    verifier = storage?.getItem(KEY) ?? null;
    storage?.removeItem(KEY);
  } catch {
    verifier = null;
  }
  return verifier === null ? {} : { [LOGIN_VERIFIER_HEADER]: verifier };
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
