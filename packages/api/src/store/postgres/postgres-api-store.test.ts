import { GatehouseSecret } from '@gatehouse/common';
import { startTestPostgres, type TestPostgres } from '@gatehouse/common/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quietLogger, TEST_GATEHOUSE_SECRET } from '../conformance/store-backends.js';
import { PostgresApiStore } from './postgres-api-store.js';

// docs/security.md 40: a process with the wrong GATEHOUSE_SECRET refuses to start; it never makes keys anew.
describe('PostgresApiStore and GATEHOUSE_SECRET', () => {
  let postgres: TestPostgres;
  beforeAll(async () => {
    postgres = await startTestPostgres();
  });
  afterAll(async () => postgres?.close());

  const open = (url: string, secret: string) =>
    PostgresApiStore.open({
      url,
      secret: GatehouseSecret.fromEnv({ GATEHOUSE_SECRET: secret }),
      logger: quietLogger(),
    });

  it('refuses another secret than the one the database was set up with, in one line naming it', async () => {
    const url = await postgres.createDatabase();
    const store = await open(url, TEST_GATEHOUSE_SECRET);
    await store.keys.signingKeys(Date.now());
    await store.close();
    await expect(open(url, `${TEST_GATEHOUSE_SECRET} but not quite`)).rejects.toMatchObject({
      setting: 'GATEHOUSE_SECRET',
      message: expect.stringMatching(/^Invalid GATEHOUSE_SECRET: /),
    });
  });

  it('does not replace a key it cannot open with a new one', async () => {
    const url = await postgres.createDatabase();
    const first = await open(url, TEST_GATEHOUSE_SECRET);
    const [key] = await first.keys.signingKeys(Date.now());
    await first.close();
    // The verifier gone (restored from elsewhere): the check passes, the sealed keys still cannot be opened.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query('DELETE FROM gatehouse_secret_check');
      const before = await admin.query('SELECT name, sealed, version FROM api_keys ORDER BY name');
      const other = await open(url, `${TEST_GATEHOUSE_SECRET}, another one`);
      try {
        await expect(other.keys.signingKeys(Date.now())).rejects.toMatchObject({
          setting: 'GATEHOUSE_SECRET',
        });
      } finally {
        await other.close();
      }
      const after = await admin.query('SELECT name, sealed, version FROM api_keys WHERE name = $1', [
        'signing-keys',
      ]);
      expect(after.rows).toEqual(before.rows.filter((row) => row.name === 'signing-keys'));
      expect(key?.kid).toBeTruthy();
    } finally {
      await admin.end();
    }
  });
});
