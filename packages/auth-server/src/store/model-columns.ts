/**
 * How long a revoked grant stays refused when none of its rows says longer (seconds): past any request that was
 * still issuing tokens from it when it was revoked.
 */
export const REVOKED_GRANT_KEEP_SECONDS = 3600;

/**
 * The grant a model row was issued under (oidc-provider keeps it as `grantId`); a Grant row is its own grant, so
 * revoking a grant ends the Grant too.
 */
export function grantOf(
  model: string,
  id: string,
  payload: Readonly<Record<string, unknown>>,
): string | null {
  if (typeof payload.grantId === 'string') return payload.grantId;
  return model === 'Grant' ? id : null;
}

/**
 * The account a model row belongs to: oidc-provider keeps it at the top level of Session, Grant, code and token
 * payloads; an interaction signing in to the account keeps it in its result (the password step's pending second
 * factor, interactions/interaction-state.ts, or a finished login not yet resumed). Ending the account deletes
 * every row that names it.
 */
export function accountOf(payload: Readonly<Record<string, unknown>>): string | null {
  if (typeof payload.accountId === 'string') return payload.accountId;
  const result = payload.result as
    | { login?: { accountId?: unknown }; gatehouse_second_factor?: { accountId?: unknown } }
    | undefined;
  const login = result?.login?.accountId;
  if (typeof login === 'string') return login;
  const pending = result?.gatehouse_second_factor?.accountId;
  return typeof pending === 'string' ? pending : null;
}
