import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../config/config-error.js';
import { createLogger } from '../log/create-logger.js';
import { startTestPostgres, type TestPostgres } from '../testing/test-postgres.js';
import { readDatabaseUrl } from './database-url.js';
import { checkGatehouseSecret, GatehouseSecret } from './gatehouse-secret.js';
import { isDatabaseUnavailable } from './is-database-unavailable.js';
import { migratePostgres } from './migrate-postgres.js';
import { openPostgres, type PostgresPool } from './open-postgres.js';

const SECRET = 'a gatehouse secret that is long enough to use';

function quietLogger(lines: string[] = []) {
  return createLogger(
    { name: 'test', level: 'info' },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
}

describe('PostgreSQL building blocks', () => {
  let postgres: TestPostgres;
  const pools: PostgresPool[] = [];
  const open = (url: string, lines?: string[]) => {
    const pool = openPostgres(url, {
      applicationName: 'gatehouse-test',
      logger: quietLogger(lines),
      connectTimeoutMs: 2000,
    });
    pools.push(pool);
    return pool;
  };

  beforeAll(async () => {
    postgres = await startTestPostgres();
  });
  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
    await postgres?.close();
  });

  it('reads epoch milliseconds (bigint) as numbers', async () => {
    const pool = open(await postgres.createDatabase());
    const { rows } = await pool.query<{ ms: number }>('SELECT 1733356800123::bigint AS ms');
    expect(rows[0]?.ms).toBe(1733356800123);
  });

  it('applies each step once when processes migrate at the same moment', async () => {
    const url = await postgres.createDatabase();
    const migrations = [
      'CREATE TABLE counted (id integer PRIMARY KEY)',
      // Would fail on a second run: a step is applied once, whoever gets there first.
      'INSERT INTO counted (id) VALUES (1)',
    ];
    const racers = Array.from({ length: 6 }, () => open(url));
    await Promise.all(racers.map((pool) => migratePostgres(pool, 'api', migrations)));
    const pool = open(url);
    expect((await pool.query('SELECT id FROM counted')).rows).toEqual([{ id: 1 }]);
    expect((await pool.query('SELECT component, version FROM gatehouse_schema')).rows).toEqual([
      { component: 'api', version: 2 },
    ]);
    // Components are versioned apart; a later step is applied on a later start.
    await migratePostgres(pool, 'auth-server', ['CREATE TABLE other (id integer)']);
    await migratePostgres(pool, 'api', [...migrations, 'ALTER TABLE counted ADD COLUMN note text']);
    expect(
      (await pool.query('SELECT component, version FROM gatehouse_schema ORDER BY component')).rows,
    ).toEqual([
      { component: 'api', version: 3 },
      { component: 'auth-server', version: 1 },
    ]);
  });

  it('leaves the schema as it was when a step fails', async () => {
    const pool = open(await postgres.createDatabase());
    await expect(
      migratePostgres(pool, 'api', ['CREATE TABLE kept (id integer)', 'THIS IS NOT SQL']),
    ).rejects.toThrow();
    const tables = await pool.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'kept'");
    expect(tables.rowCount).toBe(0);
  });

  it('refuses to run against a schema newer than it knows, naming DATABASE_URL', async () => {
    const pool = open(await postgres.createDatabase());
    await migratePostgres(pool, 'api', ['CREATE TABLE a (id integer)', 'CREATE TABLE b (id integer)']);
    const older = migratePostgres(pool, 'api', ['CREATE TABLE a (id integer)']);
    await expect(older).rejects.toBeInstanceOf(ConfigError);
    await expect(older).rejects.toMatchObject({
      setting: 'DATABASE_URL',
      message: expect.stringMatching(/api schema is at version 2, newer than this Gatehouse knows \(1\)/),
    });
  });

  it('stores a verifier of GATEHOUSE_SECRET once, then refuses another secret', async () => {
    const url = await postgres.createDatabase();
    const secret = GatehouseSecret.fromEnv({ GATEHOUSE_SECRET: SECRET });
    await Promise.all([checkGatehouseSecret(open(url), secret), checkGatehouseSecret(open(url), secret)]);
    await checkGatehouseSecret(open(url), secret);
    const wrong = GatehouseSecret.fromEnv({ GATEHOUSE_SECRET: `${SECRET}, but another one` });
    await expect(checkGatehouseSecret(open(url), wrong)).rejects.toMatchObject({
      setting: 'GATEHOUSE_SECRET',
      message: expect.stringContaining('not the secret this database was set up with'),
    });
    const { rows } = await open(url).query<{ verifier: string }>(
      'SELECT verifier FROM gatehouse_secret_check',
    );
    expect(rows[0]?.verifier).not.toContain(SECRET);
  });

  it('says the database is unavailable while it is down, and the pool serves again once it is back', async () => {
    const lines: string[] = [];
    const pool = open(await postgres.createDatabase(), lines);
    await pool.query('SELECT 1');
    await postgres.stop();
    try {
      const failure = await pool.query('SELECT 1').then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isDatabaseUnavailable(failure)).toBe(true);
    } finally {
      await postgres.start();
    }
    // The connection that broke was dropped; a new one is opened.
    await expect(pool.query('SELECT 2 AS two')).resolves.toMatchObject({ rows: [{ two: 2 }] });
    expect(lines.join('')).not.toContain('postgres://');
  });

  it('does not call a wrong statement or a conflict unavailable', async () => {
    const pool = open(await postgres.createDatabase());
    const syntax = await pool.query('SELEC 1').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isDatabaseUnavailable(syntax)).toBe(false);
    await pool.query('CREATE TABLE unique_ids (id integer PRIMARY KEY)');
    await pool.query('INSERT INTO unique_ids VALUES (1)');
    const conflict = await pool.query('INSERT INTO unique_ids VALUES (1)').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isDatabaseUnavailable(conflict)).toBe(false);
    // A statement over the timeout is the database too slow to answer: unavailable.
    const slow = openPostgres(await postgres.createDatabase(), {
      applicationName: 'gatehouse-test',
      logger: quietLogger(),
      statementTimeoutMs: 100,
    });
    pools.push(slow);
    const timedOut = await slow.query('SELECT pg_sleep(2)').then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isDatabaseUnavailable(timedOut)).toBe(true);
  });
});

describe('GATEHOUSE_SECRET and DATABASE_URL', () => {
  it('requires a secret of 32 characters or more, never echoing it', () => {
    expect(() => GatehouseSecret.fromEnv({})).toThrow(
      /^Invalid GATEHOUSE_SECRET: required with DATABASE_URL/,
    );
    expect(() => GatehouseSecret.fromEnv({ GATEHOUSE_SECRET: 'short-secret-value' })).toThrow(
      /^Invalid GATEHOUSE_SECRET: must be at least 32 characters \(it is 18\)$/,
    );
    const secret = GatehouseSecret.fromEnv({ GATEHOUSE_SECRET: SECRET });
    expect(JSON.stringify({ secret })).not.toContain(SECRET);
    expect(String(Object.values(secret))).not.toContain(SECRET);
  });

  it('derives unrelated 32-byte keys per purpose, the same in every process', () => {
    const a = GatehouseSecret.fromEnv({ GATEHOUSE_SECRET: SECRET });
    const b = GatehouseSecret.fromEnv({ GATEHOUSE_SECRET: SECRET });
    expect(a.deriveKey('api-sealing')).toEqual(b.deriveKey('api-sealing'));
    expect(a.deriveKey('api-sealing')).toHaveLength(32);
    expect(a.deriveKey('api-sealing')).not.toEqual(a.deriveKey('auth-server-sealing'));
  });

  it('takes postgres URLs only, and never echoes one back', () => {
    expect(readDatabaseUrl({})).toBeUndefined();
    expect(readDatabaseUrl({ DATABASE_URL: 'postgres://gh:pw@db:5432/gatehouse' })).toBe(
      'postgres://gh:pw@db:5432/gatehouse',
    );
    expect(readDatabaseUrl({ DATABASE_URL: 'postgres:///gatehouse?host=/run/postgresql' })).toBeDefined();
    for (const bad of ['not a url', 'mysql://u:sekrit@db/x', 'postgres://u:sekrit@db']) {
      let message = '';
      try {
        readDatabaseUrl({ DATABASE_URL: bad });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^Invalid DATABASE_URL: /);
      expect(message).not.toContain('sekrit');
    }
  });
});
