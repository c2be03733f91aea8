import { createHmac } from 'node:crypto';
import { timingSafeEqual } from '@gatehouse/common';
import type { Context } from 'koa';
import type { InteractionDeps } from '../interactions/interaction-deps.js';
import type { UserRecord } from '../store/auth-store.js';

/** How recent a sign-in must be to change a sign-in method: five minutes (docs/security.md 45). */
export const RECENT_SIGN_IN_SECONDS = 300;

/** The person on `/account`: oidc-provider's session in this browser, and its account. */
export interface AccountSession {
  /** The session's id (its cookie's value): what the form token and the passkey challenge are bound to. */
  readonly id: string;
  readonly user: UserRecord;
  /** When the person last signed in (epoch seconds), by any factor. */
  readonly loginTs: number;
  /** The form token of this session: an HMAC of its id with a server key. */
  readonly csrfToken: string;
}

/**
 * The auth server's own session for this browser (the one every application's sign-in makes: oidc-provider's
 * `_session` cookie, signed with the provider's cookie keys, and its Session row), if it is live and its account
 * enabled. `/account` keeps no session of its own: signing in there is signing in here, and whatever ends a
 * session here (a sign-out, a new password, `users disable`) ends it on `/account` too.
 */
export async function readAccountSession(
  ctx: Context,
  deps: InteractionDeps,
  csrfKey: string,
): Promise<AccountSession | undefined> {
  const provider = deps.provider();
  const id = ctx.cookies.get(provider.cookieName('session'), { signed: true });
  if (!id) return undefined;
  const session = await provider.Session.find(id);
  if (!session?.accountId || typeof session.loginTs !== 'number') return undefined;
  const user = await deps.store.users.findById(session.accountId);
  if (!user || user.disabled) return undefined;
  return { id, user, loginTs: session.loginTs, csrfToken: csrfTokenFor(csrfKey, id) };
}

/** Whether the session's sign-in is recent enough to change a sign-in method. */
export function isRecent(session: AccountSession, nowMs: number): boolean {
  return Math.floor(nowMs / 1000) - session.loginTs <= RECENT_SIGN_IN_SECONDS;
}

/** Checks a posted form token against the session's, in constant time. */
export function csrfTokenMatches(session: AccountSession, posted: string | undefined): boolean {
  return typeof posted === 'string' && timingSafeEqual(posted, session.csrfToken);
}

function csrfTokenFor(key: string, sessionId: string): string {
  return createHmac('sha256', key).update(`account-form:${sessionId}`).digest('base64url');
}

/** The ChallengeStore key of a passkey registration on `/account` in this session. */
export function accountChallengeKey(session: AccountSession): string {
  return `account:${session.id}`;
}
