import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@gatehouse/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthStore } from '../auth-store.js';
import { MIGRATIONS } from './migrations.js';
import { openAuthStore } from './open-auth-store.js';

// The window's contract is in the conformance suite (store/conformance/throttle-store-conformance.ts); this is
// what only SQLite can show.
describe('a rate limit window in SQLite', () => {
  let dir: string;
  let store: AuthStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-window-'));
    store = openAuthStore(dir);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // A flood that is refused must cost no disk: when every request was counted, every refusal was a committed write
  // (auth.sqlite's WAL grew to 58 MB in a 10 s flood).
  it('commits nothing for a refused request', async () => {
    const now = 1_800_000_000;
    for (let i = 0; i < 2; i++) await store.throttle.takeFromWindow('k', now, 60, 2);
    const observer = openDatabase(join(dir, 'auth-server', 'auth.sqlite'), MIGRATIONS);
    try {
      // data_version changes when another connection commits (SQLite PRAGMA data_version).
      const version = () => observer.pragma('data_version', { simple: true });
      const before = version();
      for (let i = 0; i < 50; i++) {
        expect((await store.throttle.takeFromWindow('k', now + 1, 60, 2)).allowed).toBe(false);
      }
      expect(version()).toBe(before);
      await store.throttle.takeFromWindow('other', now + 1, 60, 2);
      expect(version()).not.toBe(before);
    } finally {
      observer.close();
    }
  });
});
