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
});
