import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiDatabaseFile, SqliteApiStore } from '../store/sqlite/sqlite-api-store.js';
import { MisbehavingProvider } from '../testing/misbehaving-provider.js';
import { fakeClock, reservePublicUrl, startTestApi } from '../testing/test-api.js';

const TEN_MINUTES = 10 * 60 * 1000;

describe('the expiry sweep', () => {
  let op: MisbehavingProvider;
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-sweep-'));

  beforeAll(async () => {
    op = await MisbehavingProvider.start();
  });
  afterEach(() => vi.useRealTimers());
  afterAll(async () => {
    await op?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('deletes expired rows at start and every ten minutes, and stops when the API closes', async () => {
    // A spent logout jti can be recorded again only once the sweep has deleted its row.
    const store = new SqliteApiStore(apiDatabaseFile(dataDir));
    const clock = fakeClock();
    const swept = async (jti: string) => store.rememberLogoutJti(jti, clock.now() + 60_000);
    try {
      await store.rememberLogoutJti('expired-before-start', clock.now() - 1);
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      const timersBefore = vi.getTimerCount();
      const t = await startTestApi({
        issuer: op.issuer,
        publicUrl: await reservePublicUrl(),
        dataDir,
        clock,
      });
      try {
        expect(await swept('expired-before-start')).toBe(true);

        await store.rememberLogoutJti('expires-while-running', clock.now() + 1000);
        clock.advance(2000);
        vi.advanceTimersByTime(TEN_MINUTES - 1);
        expect(await swept('expires-while-running')).toBe(false);
        vi.advanceTimersByTime(1);
        expect(await swept('expires-while-running')).toBe(true);
      } finally {
        await t.close();
      }
      expect(vi.getTimerCount()).toBe(timersBefore);
    } finally {
      await store.close();
    }
  });
});
