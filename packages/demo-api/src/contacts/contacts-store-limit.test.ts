import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureLogs, testBackends } from '@gatehouse/api/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { openContactsStore } from './open-contacts-store.js';

// The per-user limit holds when many creates race for the last places, on either backend.
describe.each(testBackends(afterAll))('the contacts limit under concurrent creates, on $name', (backend) => {
  it('lets exactly the places left be taken', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-contacts-limit-'));
    const env = await backend.env();
    const open = () => openContactsStore({ dataDir, databaseUrl: env.DATABASE_URL }, captureLogs().logger);
    const [a, b] = await Promise.all([open(), open()]);
    try {
      const created = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 === 0 ? a : b).create('racer', { name: `c${i}` }, Date.now(), 5),
        ),
      );
      expect(created.filter((contact) => contact !== undefined)).toHaveLength(5);
      expect(await a.list('racer')).toHaveLength(5);
    } finally {
      await a.close();
      await b.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
