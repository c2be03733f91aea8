import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SealedBox, SealedBoxError } from './sealed-box.js';

describe('SealedBox', () => {
  const box = new SealedBox(randomBytes(32));

  it('opens what it sealed, in the same context', () => {
    const sealed = box.seal('JBSWY3DPEHPK3PXP', 'totp:alice');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.open(sealed, 'totp:alice')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses a value moved to another context', () => {
    const sealed = box.seal('secret', 'totp:alice');
    expect(() => box.open(sealed, 'totp:bob')).toThrow(SealedBoxError);
  });

  it('refuses a tampered ciphertext and a foreign key', () => {
    const sealed = box.seal('secret', 'ctx');
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[2] ?? '', 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    parts[2] = flipped.toString('base64url');
    expect(() => box.open(parts.join('.'), 'ctx')).toThrow(SealedBoxError);
    expect(() => new SealedBox(randomBytes(32)).open(sealed, 'ctx')).toThrow(SealedBoxError);
  });

  // NIST SP 800-38D 5.2.1.2: we write 16-byte tags; Node's GCM decipher, unless told the length, checks only
  // the bytes it is given (4 to 16), so a truncated tag is far easier to forge.
  it('refuses a value whose tag was truncated', () => {
    const sealed = box.seal('secret', 'ctx');
    const parts = sealed.split('.');
    const tag = Buffer.from(parts[3] ?? '', 'base64url');
    expect(tag.byteLength).toBe(16);
    for (const length of [4, 8, 12, 15]) {
      parts[3] = tag.subarray(0, length).toString('base64url');
      expect(() => box.open(parts.join('.'), 'ctx')).toThrow(SealedBoxError);
    }
  });
});
