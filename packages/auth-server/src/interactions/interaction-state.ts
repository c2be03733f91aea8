import type { InteractionResults } from 'oidc-provider';

/**
 * Wrong codes allowed in one interaction before the password must be entered again. Not a bound on guessing by
 * itself, since whoever has the password can start again: the account-wide bound is `SECOND_FACTOR_POLICY`
 * (throttle/second-factor-throttle.ts).
 */
export const MAX_TOTP_FAILURES = 5;

/**
 * "Password accepted, awaiting the second factor", kept server-side in the interaction record (bound to the
 * interaction's uid and cookie), never in a form field: a TOTP POST for another interaction finds nothing.
 */
export interface PendingSecondFactor {
  readonly accountId: string;
  readonly username: string;
  readonly failures: number;
}

const KEY = 'gatehouse_pending_totp';
const USERNAME_KEY = 'gatehouse_username';

/** Reads the pending second factor from an interaction's result, if any. */
export function readPending(result: InteractionResults | undefined): PendingSecondFactor | undefined {
  const value = result?.[KEY] as Partial<PendingSecondFactor> | undefined;
  if (
    !value ||
    typeof value.accountId !== 'string' ||
    typeof value.username !== 'string' ||
    typeof value.failures !== 'number'
  ) {
    return undefined;
  }
  return { accountId: value.accountId, username: value.username, failures: value.failures };
}

/** An interaction result holding only `pending` (or nothing, to go back to the password step). */
export function withPending(pending: PendingSecondFactor | undefined): InteractionResults {
  return pending ? { [KEY]: pending } : {};
}

/**
 * The username typed at the last refused password step of this interaction, to fill the form in again. Kept in
 * the interaction record like the pending second factor, never in the redirect's query string (which browsers
 * keep in history and proxies log).
 */
export function readUsername(result: InteractionResults | undefined): string | undefined {
  const value = result?.[USERNAME_KEY];
  return typeof value === 'string' ? value : undefined;
}

/** An interaction result holding only the username to show again on the password step. */
export function withUsername(username: string): InteractionResults {
  return { [USERNAME_KEY]: username };
}
