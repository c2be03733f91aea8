import { Secret, TOTP } from 'otpauth';

/**
 * The current RFC 6238 code for a base32 secret, with the parameters authenticator apps default to
 * (SHA-1, 6 digits, 30 s), which is what `gatehouse users add --totp-secret` enrols.
 */
export function totpCode(base32Secret: string, timestamp = Date.now()): string {
  return new TOTP({
    secret: Secret.fromBase32(base32Secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  }).generate({
    timestamp,
  });
}

/** A fresh random base32 TOTP secret of 160 bits (RFC 4226 4, R6). */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}
