import type { InteractionResults } from 'oidc-provider';

/**
 * Wrong codes allowed in one interaction before the password must be entered again. Not a bound on guessing by
 * itself, since whoever has the password can start again: the account-wide bound is `SECOND_FACTOR_POLICY`
 * (throttle/second-factor-throttle.ts).
 */
export const MAX_TOTP_FAILURES = 5;

/**
 * "Password accepted, awaiting a second factor" (TOTP, a passkey or a recovery code), kept server-side in the
 * interaction record (bound to the interaction's uid and cookie), never in a form field: a second-factor POST
 * for another interaction finds nothing.
 */
export interface PendingSecondFactor {
  readonly accountId: string;
  readonly username: string;
  /** Wrong codes in this interaction. */
  readonly failures: number;
}

/** A page to show once the sign-in is complete, before the application: how many recovery codes are left. */
export interface SignInNotice {
  readonly recoveryCodesLeft: number;
}

const PENDING_KEY = 'gatehouse_second_factor';
const USERNAME_KEY = 'gatehouse_username';
const NOTICE_KEY = 'gatehouse_notice';

/** Reads the pending second factor from an interaction's result, if any. */
export function readPending(result: InteractionResults | undefined): PendingSecondFactor | undefined {
  const value = result?.[PENDING_KEY] as Partial<PendingSecondFactor> | undefined;
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
  return pending ? { [PENDING_KEY]: pending } : {};
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

/** The notice of a finished sign-in (kept beside oidc-provider's `login` result until the person goes on). */
export function readNotice(result: InteractionResults | undefined): SignInNotice | undefined {
  const value = result?.[NOTICE_KEY] as Partial<SignInNotice> | undefined;
  return typeof value?.recoveryCodesLeft === 'number'
    ? { recoveryCodesLeft: value.recoveryCodesLeft }
    : undefined;
}

/** The result fields that carry `notice`. */
export function withNotice(notice: SignInNotice | undefined): InteractionResults {
  return notice ? { [NOTICE_KEY]: notice } : {};
}

/** The challenge key of interaction `uid`'s passkey ceremony (ChallengeStore): another interaction's is not found. */
export function interactionChallengeKey(uid: string): string {
  return `interaction:${uid}`;
}

/** ACR of a sign-in that used a passkey (OpenID EAP ACR Values 1.0: phishing-resistant authentication). */
export const PHISHING_RESISTANT_ACR = 'phr';

/**
 * Whether the client asked for a phishing-resistant sign-in: `acr_values` (or the `claims` parameter's acr)
 * naming `phr`, or `phrh` (hardware-bound, which a passkey also satisfies only when it is not synced: we serve
 * it with a passkey and let the `amr` say `hwk` or `swk`). docs/security.md 46.
 */
export function phishingResistantRequested(params: Readonly<Record<string, unknown>>): boolean {
  const values = typeof params.acr_values === 'string' ? params.acr_values.split(' ') : [];
  return values.includes(PHISHING_RESISTANT_ACR) || values.includes('phrh');
}
