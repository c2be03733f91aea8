import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureLogs, testBackends } from '@gatehouse/api/testing';
import { openPostgres } from '@gatehouse/common';
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

// On PostgreSQL the limit holds only through the owner's advisory lock: under READ COMMITTED each create counts
// from its own snapshot, blind to another's uncommitted insert. The race is made certain, not left to chance:
// a trigger (test-only) stops every insert at a gate the test holds shut, so that without the lock every create
// has counted before any commits; the test opens the gate once all are waiting.
describe('the contacts limit on PostgreSQL, with every create held between its count and its commit', () => {
  const [, postgres] = testBackends(afterAll);
  it('lets exactly the places left be taken, because each create waits for the owner lock', async () => {
    const env = await (postgres as NonNullable<typeof postgres>).env();
    const url = env.DATABASE_URL as string;
    const logger = captureLogs().logger;
    const open = () => openContactsStore({ dataDir: '/nonexistent', databaseUrl: url }, logger);
    const [a, b] = await Promise.all([open(), open()]);
    const admin = openPostgres(url, { applicationName: 'contacts-lock-test', logger, max: 2 });
    const gate = await admin.connect();
    try {
      await admin.query(`CREATE TABLE contacts_gate (shut boolean);
        CREATE FUNCTION contacts_gate_wait() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN PERFORM count(*) FROM contacts_gate; RETURN NEW; END $$;
        CREATE TRIGGER contacts_gate_wait AFTER INSERT ON demo_contacts
          FOR EACH ROW EXECUTE FUNCTION contacts_gate_wait();`);
      await gate.query('BEGIN');
      await gate.query('LOCK TABLE contacts_gate IN ACCESS EXCLUSIVE MODE');
      const creates = Array.from({ length: 8 }, (_, i) =>
        (i % 2 === 0 ? a : b).create('racer', { name: `c${i}` }, Date.now(), 3),
      );
      // Every create waits: on the gate (one, inside its insert) or on the owner's lock (the others). Without
      // the lock, all eight would be at the gate, each having counted zero.
      const waiting = async () =>
        (
          await admin.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          )
        ).rows[0]?.n ?? 0;
      let seen = 0;
      for (let tries = 0; tries < 500 && seen < creates.length; tries += 1) {
        seen = await waiting();
        if (seen < creates.length) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(seen).toBe(creates.length);
      await gate.query('COMMIT');
      const created = await Promise.all(creates);
      expect(created.filter((contact) => contact !== undefined)).toHaveLength(3);
      expect(await a.list('racer')).toHaveLength(3);
    } finally {
      gate.release();
      await admin.end();
      await a.close();
      await b.close();
    }
  });
});
