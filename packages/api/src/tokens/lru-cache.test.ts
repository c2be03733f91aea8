import { describe, expect, it } from 'vitest';
import { LruCache } from './lru-cache.js';

// The bearer cache must stay bounded: a flood of distinct (valid) tokens cannot grow memory without limit.
describe('LruCache', () => {
  it('never holds more than its bound and evicts the least recently used entry', () => {
    const cache = new LruCache<string, number>(3);
    for (let i = 0; i < 1000; i++) cache.set(`token-${i}`, i);
    expect(cache.size).toBe(3);
    expect(cache.get('token-0')).toBeUndefined();
    expect(cache.get('token-997')).toBe(997);
    cache.set('token-1000', 1000);
    // token-997 was just read, so token-998 is now the oldest and goes first.
    expect(cache.get('token-998')).toBeUndefined();
    expect(cache.get('token-997')).toBe(997);
  });

  it('keeps an entry that is read often, however many others pass through', () => {
    const cache = new LruCache<string, number>(100);
    cache.set('hot', 1);
    for (let i = 0; i < 10_000; i++) {
      cache.set(`cold-${i}`, i);
      expect(cache.get('hot')).toBe(1);
    }
    expect(cache.size).toBe(100);
  });
});
