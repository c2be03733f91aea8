import { Secret, TOTP } from 'otpauth';

/** A fresh 160-bit TOTP secret, base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The current 6-digit code for a base32 secret (RFC 6238: SHA-1, 30 s). */
export function totpCode(secret: string, timestamp = Date.now()): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp,
  });
}
