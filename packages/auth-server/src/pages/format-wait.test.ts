import { describe, expect, it } from 'vitest';
import { formatWait } from './format-wait.js';

describe('formatWait', () => {
  it('says "1 second", not "1 seconds", and minutes for long waits, rounding up', () => {
    expect(formatWait(1)).toBe('1 second');
    expect(formatWait(0.2)).toBe('1 second');
    expect(formatWait(2)).toBe('2 seconds');
    expect(formatWait(59)).toBe('59 seconds');
    expect(formatWait(60)).toBe('1 minute');
    expect(formatWait(61)).toBe('2 minutes');
    expect(formatWait(15 * 60)).toBe('15 minutes');
  });

  it('does not believe a wait that is not a sensible number of seconds', () => {
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, 0, -5, 10 ** 9]) {
      expect(formatWait(value)).toBe('a few seconds');
    }
  });
});
