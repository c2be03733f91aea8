import { describe, expect, it } from 'vitest';
import { newSessionId } from './new-session-id.js';

describe('newSessionId', () => {
  it('never starts with "-" (an id the CLI would read as an option), and is 128 random bits', () => {
    // One random id in 64 would start with "-": 4,000 draws without one is proof enough (the chance of none
    // by luck is (63/64)^4000, about 10^-27).
    const ids = Array.from({ length: 4000 }, () => newSessionId());
    expect(ids.filter((id) => id.startsWith('-'))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids.slice(0, 10)) expect(Buffer.from(id, 'base64url')).toHaveLength(16);
  });
});
