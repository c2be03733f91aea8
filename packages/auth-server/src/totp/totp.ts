import { Secret, TOTP } from 'otpauth';

/** RFC 6238 parameters: SHA-1, 6 digits, 30-second steps (what every authenticator app supports). */
const PERIOD = 30;
const DIGITS = 6;
const ALGORITHM = 'SHA1';
/** One step of clock drift either way (RFC 6238 5.2 recommends at most one). */
const WINDOW = 1;

/** A new random TOTP secret of 160 bits (RFC 4226 4, R6), BASE32. */
export function generateTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** True when `secret` is BASE32 of at least 160 bits. */
export function isValidTotpSecret(secret: string): boolean {
  if (!/^[A-Z2-7]+=*$/.test(secret)) return false;
  try {
    return Secret.fromBase32(secret).bytes.byteLength >= 20;
  } catch {
    return false;
  }
}

/** The `otpauth://totp/…` URI an authenticator app scans. */
export function totpUri(secret: string, account: string, issuer: string): string {
  return new TOTP({
    issuer,
    label: account,
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: PERIOD,
    secret: Secret.fromBase32(secret),
  }).toString();
}

/** The current code for `secret` at `nowMs` (used by tests and the demo printout). */
export function totpCode(secret: string, nowMs: number): string {
  return TOTP.generate({
    secret: Secret.fromBase32(secret),
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: PERIOD,
    timestamp: nowMs,
  });
}

/**
 * Checks `code` against `secret` at `nowMs` within one step of drift and returns the time step it belongs to
 * (so the caller can refuse that step next time), or null. Comparison is constant-time inside otpauth.
 */
export function matchTotpStep(secret: string, code: string, nowMs: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secret),
    algorithm: ALGORITHM,
    digits: DIGITS,
    period: PERIOD,
    timestamp: nowMs,
    window: WINDOW,
  });
  if (delta === null) return null;
  return TOTP.counter({ period: PERIOD, timestamp: nowMs }) + delta;
}
