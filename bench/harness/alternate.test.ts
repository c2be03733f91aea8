import { describe, expect, it } from 'vitest';
import { runAlternating } from './alternate.js';
import { mapPool } from './pool.js';

describe('runAlternating', () => {
  it('warms every contender up once, then interleaves rounds A B A B and records only the rounds', async () => {
    const calls: string[] = [];
    const contender = (name: string) => ({
      name,
      run: async (seconds: number) => {
        calls.push(`${name}${seconds}`);
        return seconds;
      },
    });
    const results = await runAlternating([contender('A'), contender('B')], {
      rounds: 3,
      roundSeconds: 2,
      warmUpSeconds: 1,
    });
    expect(calls).toEqual(['A1', 'B1', 'A2', 'B2', 'A2', 'B2', 'A2', 'B2']);
    expect(results.get('A')).toEqual([2, 2, 2]);
    expect(results.get('B')).toEqual([2, 2, 2]);
  });
});

describe('mapPool', () => {
  it('keeps at most `concurrency` in flight and returns results in index order', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapPool(10, 3, async (index) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return index * 2;
    });
    expect(peak).toBe(3);
    expect(results).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  });
});
