import { describe, expect, it } from 'vitest';
import { median, percentile, ratio } from './stats.js';

describe('median', () => {
  it('takes the middle of an odd sample and the mean of the two middles of an even one', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('is NaN for no values', () => {
    expect(median([])).toBeNaN();
  });
});

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, index) => 100 - index);
  it('returns observed values only', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
  });
  it('clamps p=0 to the smallest value', () => {
    expect(percentile([5, 9], 0)).toBe(5);
  });
});

describe('ratio', () => {
  it('divides, and refuses a zero or unknown denominator', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeNaN();
    expect(ratio(Number.NaN, 2)).toBeNaN();
  });
});
