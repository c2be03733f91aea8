import { describe, expect, it } from 'vitest';
import { matchTotpStep, totpCode } from './totp.js';

// RFC 6238 Appendix B, SHA-1 rows: the secret is the ASCII "12345678901234567890"; the RFC prints 8 digits,
// authenticator apps (and Gatehouse) use 6, which are the last 6 (RFC 4226 5.3: code mod 10^digits).
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC_VECTORS: [seconds: number, eightDigits: string][] = [
  [59, '94287082'],
  [1_111_111_109, '07081804'],
  [1_111_111_111, '14050471'],
  [1_234_567_890, '89005924'],
  [2_000_000_000, '69279037'],
  [20_000_000_000, '65353130'],
];

describe('TOTP codes interoperate with authenticator apps', () => {
  it.each(RFC_VECTORS)('at %i s gives the RFC 6238 code %s (last 6 digits)', (seconds, eightDigits) => {
    expect(totpCode(RFC_SECRET, seconds * 1000)).toBe(eightDigits.slice(-6));
  });

  it('matches the RFC code to its 30 s step', () => {
    expect(matchTotpStep(RFC_SECRET, '050471', 1_111_111_111_000)).toBe(Math.floor(1_111_111_111 / 30));
  });
});
