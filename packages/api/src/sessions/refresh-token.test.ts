import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RefreshTokens } from './refresh-token.js';

describe('RefreshTokens', () => {
  const key = randomBytes(32);
  const tokens = new RefreshTokens(key);

  it('reads back what it issued', () => {
    const token = tokens.issue('abc_DEF-123', 7);
    expect(token).toMatch(/^abc_DEF-123\.7\.[A-Za-z0-9_-]{43}$/);
    expect(tokens.read(token)).toEqual({ sessionId: 'abc_DEF-123', generation: 7 });
    expect(new RefreshTokens(Buffer.from(key)).read(token)).toEqual({
      sessionId: 'abc_DEF-123',
      generation: 7,
    });
  });

  it('refuses a token whose session, generation or MAC was changed, or made with another key', () => {
    const token = tokens.issue('session-a', 3);
    const [, , mac] = token.split('.');
    expect(tokens.read(`session-b.3.${mac}`)).toBeUndefined();
    expect(tokens.read(`session-a.4.${mac}`)).toBeUndefined();
    expect(tokens.read(`session-a.2.${mac}`)).toBeUndefined();
    expect(tokens.read(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    expect(new RefreshTokens(randomBytes(32)).read(token)).toBeUndefined();
  });

  it('refuses malformed input before any MAC', () => {
    const mac = tokens.issue('s', 0).split('.')[2] ?? '';
    for (const bad of [
      '',
      'garbage',
      's.0',
      `s.0.${mac}.extra`,
      `s.00.${mac}`,
      `s.-1.${mac}`,
      `s.1e3.${mac}`,
      `s.99999999999999999.${mac}`,
      `s/x.0.${mac}`,
      `.0.${mac}`,
      `s.0.${mac}=`,
      `s.0.${mac.slice(0, -2)}`,
      `${'s'.repeat(65)}.0.${mac}`,
      'x'.repeat(10_000),
    ]) {
      expect(tokens.read(bad), bad.slice(0, 40)).toBeUndefined();
    }
  });

  it('derives its key from the sealing key instead of using it as is', () => {
    // A MAC keyed with the sealing key itself must not verify: the two uses are kept apart (HKDF label).
    const raw = createHmac('sha256', key).update('s.0').digest('base64url');
    expect(tokens.read(`s.0.${raw}`)).toBeUndefined();
  });
});
