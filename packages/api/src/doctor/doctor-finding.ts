/** How a check came out: `fail` means that sign-in cannot work until it is fixed; `warn`, that it works less well. */
export type DoctorStatus = 'ok' | 'warn' | 'fail';

/** The checks, by the stable name `gatehouse doctor --json` reports them under. */
export type DoctorCheck =
  | 'config'
  | 'discovery'
  | 'issuer'
  | 'https'
  | 'jwks'
  | 'id-token-alg'
  | 'token-auth-method'
  | 'pkce'
  | 'client-id'
  | 'client-credentials'
  | 'authorization-request'
  | 'redirect-uri-spa'
  | 'redirect-uri-simple'
  | 'end-session'
  | 'backchannel-logout'
  | 'clock';

/**
 * One finding of `gatehouse doctor`: what was checked, how it came out, what was seen, and (unless it is `ok`)
 * what a person can do about it. Never carries a code, state, nonce, verifier, token, cookie or secret
 * (docs/security.md 48): see {@link redactFindings}.
 */
export interface DoctorFinding {
  readonly check: DoctorCheck;
  readonly status: DoctorStatus;
  /** One sentence, no line breaks. */
  readonly message: string;
  /** What to do about it, in words a person can act on; `null` when the check passed. */
  readonly fix: string | null;
}

/** Shorthand for a finding. */
export function finding(
  check: DoctorCheck,
  status: DoctorStatus,
  message: string,
  fix: string | null = null,
): DoctorFinding {
  return { check, status, message, fix: status === 'ok' ? null : fix };
}
