import type { StoredUser } from '../store/api-store.js';

/** Most characters (code points) of the provider's `name` the API keeps: a display name, not a document. */
export const MAX_NAME_LENGTH = 256;

/** Longest email address kept: RFC 5321 4.5.3.1.3 limits a path to 256 octets, brackets included. */
export const MAX_EMAIL_LENGTH = 254;

/**
 * The user the API keeps (its store, its tokens, `/api/me`) from the provider's claims: userinfo first, the ID
 * token's otherwise. What is copied is capped, because it travels in every access token and a token over the
 * bearer size limit (4 KiB, docs/security.md 19) is refused on every request: a provider (or a user editing their
 * profile there) with a 10,000-character name would lock that user out. A long `name` is truncated: a shortened
 * display name still names the user. A too-long `email` is dropped, with its `email_verified`: a truncated
 * address is another mailbox, perhaps someone else's.
 */
export function profileFromClaims(
  sub: string,
  userinfo: Readonly<Record<string, unknown>>,
  idToken: Readonly<Record<string, unknown>>,
): StoredUser {
  const pick = (name: string): unknown => userinfo[name] ?? idToken[name];
  const user: StoredUser = { sub };
  const email = pick('email');
  const verified = pick('email_verified');
  const name = pick('name');
  if (typeof email === 'string' && email.length <= MAX_EMAIL_LENGTH) {
    user.email = email;
    if (typeof verified === 'boolean') user.email_verified = verified;
  }
  if (typeof name === 'string') user.name = truncate(name, MAX_NAME_LENGTH);
  return user;
}

/** The first `max` code points of `text` (never half of a surrogate pair). */
function truncate(text: string, max: number): string {
  // Cheap exit for every ordinary name: fewer UTF-16 units than `max` means fewer code points too.
  if (text.length <= max) return text;
  return Array.from(text).slice(0, max).join('');
}
