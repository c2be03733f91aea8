import { describe, expect, it } from 'vitest';
import { printableText } from './printable-text.js';

describe('printableText', () => {
  it('replaces terminal escapes, controls and bidirectional overrides, so a User-Agent cannot drive a terminal', () => {
    expect(printableText('Mozilla/5.0\u001b[2J\u001b]0;owned\u0007', 256)).toBe('Mozilla/5.0 [2J ]0;owned');
    expect(printableText('a\r\nb\u0085c\u202ed\u2066e\u200bf\ufeff', 256)).toBe('a  b c d e f');
  });

  it('cuts at the bound, by characters, and marks the cut', () => {
    expect(printableText('x'.repeat(300), 256)).toBe(`${'x'.repeat(255)}…`);
    expect(printableText('😀😀😀', 2)).toBe('😀…');
    expect(printableText('short', 256)).toBe('short');
  });

  it('reads nothing, or nothing printable, as null', () => {
    expect(printableText(undefined, 10)).toBeNull();
    expect(printableText(null, 10)).toBeNull();
    expect(printableText(' \u0000\u001b ', 10)).toBeNull();
  });
});
