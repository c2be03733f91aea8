import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './return-to.js';

// docs/security.md 6: return_to only as a same-origin relative path.
describe('safeReturnTo', () => {
  const origin = 'http://localhost:3001';
  it('keeps same-origin relative paths', () => {
    expect(safeReturnTo('/contacts?x=1#top', origin)).toBe('/contacts?x=1#top');
    expect(safeReturnTo('/', origin)).toBe('/');
  });
  it('falls back to / for anything else', () => {
    for (const evil of [
      'https://evil.example',
      '//evil.example',
      '/\\evil.example',
      '/.//evil.example',
      '/a/..//evil.example',
      '/%2e%2e//evil.example',
      '\\\\evil.example',
      'javascript:alert(1)',
      'evil',
      '/\tevil',
      '/ok\r\nSet-Cookie: x',
      `/${'a'.repeat(3000)}`,
      undefined,
      ['/a', '/b'],
    ]) {
      expect(safeReturnTo(evil, origin), String(evil)).toBe('/');
    }
  });
});
