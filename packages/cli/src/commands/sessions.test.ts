import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiStore, apiDatabaseFile, openApiStore, SqliteApiStore } from '@gatehouse/api';
import { createLogger, GatehouseSecret } from '@gatehouse/common';
import { startTestPostgres, type TestPostgres } from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../testing/run-cli-in-process.js';

const SECRET = 'a test gatehouse secret, long enough to be accepted';
const HOUR = 3_600_000;

interface Backend {
  name: string;
  /** A fresh, empty place for the API's store, and the environment that names it. */
  fresh(): Promise<{ env: Record<string, string>; open(): Promise<ApiStore> }>;
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-sessions-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function run(argv: string[], env: Record<string, string>) {
  return runCliInProcess(argv, env);
}

/** Two users, three live sessions and one ended, as the API's sign-ins would have left them. */
async function seed(store: ApiStore): Promise<number> {
  const now = Date.now();
  await store.upsertUser({ sub: 'sub-ann', email: 'ann@example.test', name: 'Ann' }, now);
  await store.upsertUser({ sub: 'sub-bob', email: 'bob@example.test' }, now);
  const session = (id: string, sub: string, createdAt: number, extra = {}) =>
    store.createSession(
      {
        id,
        sub,
        providerSid: null,
        idTokenSealed: 'SEALED-ID-TOKEN-NEVER-PRINTED',
        scope: 'openid',
        createdAt,
        absoluteExpiresAt: createdAt + 24 * HOUR,
        revokedAt: null,
        ...extra,
      },
      now + 12 * HOUR,
    );
  await session('ann-old', 'sub-ann', now - 3 * HOUR, { address: '203.0.113.9', userAgent: 'Firefox/140' });
  await session('bob-1', 'sub-bob', now - 2 * HOUR);
  await session('ann-new', 'sub-ann', now - HOUR, { userAgent: `Evil\u001b[2J${'x'.repeat(200)}` });
  await session('ann-ended', 'sub-ann', now - HOUR);
  await store.revokeSession('ann-ended', 'logout', now);
  return now;
}

/** One live session of `sub`, an hour long, as a sign-in leaves it (nothing sealed in it). */
async function liveSession(store: ApiStore, id: string, sub: string): Promise<void> {
  const now = Date.now();
  await store.createSession(
    {
      id,
      sub,
      providerSid: null,
      idTokenSealed: null,
      scope: null,
      createdAt: now,
      absoluteExpiresAt: now + HOUR,
      revokedAt: null,
    },
    now + HOUR,
  );
}

function runSessionCommands(backend: Backend): void {
  describe(`gatehouse sessions on ${backend.name}`, () => {
    it('lists the live sessions newest first, bounded, sanitised, never a secret', async () => {
      const { env, open } = await backend.fresh();
      const store = await open();
      await seed(store);
      await store.close();

      const listed = await run(['sessions', 'list'], env);
      expect(listed).toMatchObject({ code: 0, stderr: '' });
      const lines = listed.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^ID\s+USER\s+CREATED\s+LAST USED\s+ADDRESS\s+USER AGENT\s+EXPIRES$/);
      expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual(['ann-new', 'bob-1', 'ann-old']);
      expect(listed.stdout).toMatch(
        /ann-old\s+ann@example\.test\s+\S+\s+\S+\s+203\.0\.113\.9\s+Firefox\/140/,
      );
      // The browser-sent text cannot drive the terminal, and a column stays a column.
      expect(listed.stdout).not.toContain('\u001b');
      expect(listed.stdout).toMatch(/Evil \[2Jx+…/);
      expect(listed.stdout).not.toContain('x'.repeat(40));
      expect(listed.stdout).not.toContain('SEALED');

      const json = await run(['sessions', 'list', '--json', '--user', 'sub-ann'], env);
      const parsed: unknown = JSON.parse(json.stdout);
      expect(parsed).toEqual([
        expect.objectContaining({ id: 'ann-new', sub: 'sub-ann', email: 'ann@example.test', name: 'Ann' }),
        expect.objectContaining({
          id: 'ann-old',
          address: '203.0.113.9',
          user_agent: 'Firefox/140',
          created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          last_used_at: expect.any(String),
          expires_at: expect.any(String),
        }),
      ]);
      expect(json.stdout).not.toContain('SEALED');
      expect(json.stdout).not.toContain('\u001b');

      const limited = await run(['sessions', 'list', '--limit', '1'], env);
      expect(limited.stdout).toMatch(/ann-new/);
      expect(limited.stdout).not.toMatch(/bob-1/);
      expect(limited.stdout).toMatch(/the newest 1: --limit shows more/);
      expect((await run(['sessions', 'list', '--user', 'nobody@example.test'], env)).stdout).toBe(
        'No live sessions for this user.\n',
      );
    });

    it('revokes one session by id and every session of a user, and says so when none is live', async () => {
      const { env, open } = await backend.fresh();
      const store = await open();
      const now = await seed(store);
      const { cursor } = await store.revocationsAfter(0, 0);

      const one = await run(['sessions', 'revoke', 'bob-1'], env);
      expect(one).toEqual({
        code: 0,
        stdout: 'Revoked session: bob-1. The running API refuses their tokens within a second.\n',
        stderr: '',
      });
      const again = await run(['sessions', 'revoke', 'bob-1'], env);
      expect(again).toEqual({
        code: 1,
        stdout: '',
        stderr: 'gatehouse sessions: no live session bob-1 (see gatehouse sessions list)\n',
      });
      const ann = await run(['sessions', 'revoke', '--user', 'ANN@example.test'], env);
      expect(ann.code).toBe(0);
      expect(ann.stdout).toMatch(/^Revoked 2 sessions: (ann-new, ann-old|ann-old, ann-new)\./);
      expect((await run(['sessions', 'list'], env)).stdout).toBe('No live sessions.\n');

      // What a running API reads: the refresh refused, the ids on the revocation feed (its poll, its NOTIFY).
      expect(await store.rotateRefreshToken('ann-old', 0, now, now + HOUR)).toEqual({ status: 'revoked' });
      const feed = await store.revocationsAfter(cursor, 0);
      expect(feed.sessions.map((session) => session.id)).toEqual(
        expect.arrayContaining(['bob-1', 'ann-new', 'ann-old']),
      );
      await store.close();

      const none = await run(['sessions', 'revoke', '--user', 'sub-ann'], env);
      expect(none.code).toBe(1);
      expect(none.stderr).toBe(
        'gatehouse sessions: no live session for user sub-ann (see gatehouse sessions list)\n',
      );
    });

    it('writes one admin.sessions.revoke and one session.revoked line per revoke that ended something (AUDIT_LOG)', async () => {
      const { env, open } = await backend.fresh();
      const store = await open();
      await seed(store);
      await store.close();
      const file = join(tempDir(), 'audit.log');
      const audited = { ...env, AUDIT_LOG: file };
      expect((await run(['sessions', 'revoke', 'bob-1'], audited)).code).toBe(0);
      expect((await run(['sessions', 'revoke', 'bob-1'], audited)).code).toBe(1);
      expect((await run(['sessions', 'list'], audited)).code).toBe(0);
      expect((await run(['sessions', 'revoke', '--user', 'ann@example.test'], audited)).code).toBe(0);
      const lines = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.map((line) => [line.event, line.session ?? line.target])).toEqual([
        ['admin.sessions.revoke', 'bob-1'],
        ['session.revoked', 'bob-1'],
        ['admin.sessions.revoke', 'user:ann@example.test'],
        ['session.revoked', 'user:ann@example.test'],
      ]);
    });

    it('refuses bad arguments with one line and exit 2, and prints help', async () => {
      const { env } = await backend.fresh();
      for (const argv of [
        ['sessions'],
        ['sessions', 'revoke'],
        ['sessions', 'revoke', 'a', '--user', 'b'],
        ['sessions', 'revoke', 'a', 'b'],
        ['sessions', 'list', '--limit', '0'],
        ['sessions', 'list', '--limit', '10001'],
        ['sessions', 'list', '--limit', '1e3'],
        ['sessions', 'list', 'extra'],
        ['sessions', 'list', '--nope'],
      ]) {
        const result = await run(argv, env);
        expect(result.code, argv.join(' ')).toBe(2);
        expect(result.stderr.trimEnd().split('\n'), argv.join(' ')).toHaveLength(1);
      }
      for (const argv of [
        ['sessions', '--help'],
        ['sessions', 'list', '--help'],
        ['sessions', 'revoke', '--help'],
      ]) {
        const help = await run(argv, env);
        expect(help.code).toBe(0);
        expect(help.stdout).toMatch(/^Usage: gatehouse sessions/);
      }
    });
  });
}

describe('gatehouse sessions', () => {
  runSessionCommands({
    name: 'SQLite (DATA_DIR)',
    async fresh() {
      const dataDir = tempDir();
      return {
        env: { DATA_DIR: dataDir },
        open: async () =>
          openApiStore({ dataDir, databaseUrl: undefined, gatehouseSecret: undefined }, quiet()),
      };
    },
  });

  let postgres: TestPostgres | undefined;
  beforeAll(async () => {
    postgres = await startTestPostgres();
  });
  afterAll(async () => postgres?.close());
  runSessionCommands({
    name: 'PostgreSQL (DATABASE_URL)',
    async fresh() {
      if (postgres === undefined) throw new Error('the test PostgreSQL did not start');
      const url = await postgres.createDatabase();
      const dataDir = tempDir();
      const env = { DATA_DIR: dataDir, DATABASE_URL: url, GATEHOUSE_SECRET: SECRET };
      return {
        env,
        open: async () =>
          openApiStore({ dataDir, databaseUrl: url, gatehouseSecret: GatehouseSecret.fromEnv(env) }, quiet()),
      };
    },
  });

  it('lists nothing on a DATA_DIR the API never ran on, and creates nothing there', async () => {
    const dataDir = tempDir();
    expect(await run(['sessions', 'list'], { DATA_DIR: dataDir })).toEqual({
      code: 0,
      stdout: 'No live sessions.\n',
      stderr: '',
    });
    expect(readdirSync(dataDir)).toEqual([]);
    expect(existsSync(apiDatabaseFile(dataDir))).toBe(false);
  });

  it('finds a user of the embedded auth server by username', async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir };
    const added = await runWithStdin(
      ['users', 'add', 'carol', '--email', 'c@example.test', '--password-stdin'],
      env,
    );
    expect(added.code).toBe(0);
    const { openAuthStore } = await import('@gatehouse/auth-server');
    const auth = openAuthStore(dataDir);
    const sub = (await auth.users.findByUsername('carol'))?.id ?? 'missing';
    await auth.close();
    const store = new SqliteApiStore(apiDatabaseFile(dataDir));
    await liveSession(store, 'carol-1', sub);
    await store.close();
    expect((await run(['sessions', 'list', '--user', 'carol'], env)).stdout).toMatch(/^carol-1 /m);
    expect((await run(['sessions', 'revoke', '--user', 'carol'], env)).stdout).toMatch(
      /Revoked session: carol-1/,
    );
  });

  it('finds a username where the auth server keeps it: the database with DATABASE_URL, never a DATA_DIR namesake', async () => {
    if (postgres === undefined) throw new Error('the test PostgreSQL did not start');
    const url = await postgres.createDatabase();
    const dataDir = tempDir();
    const sqliteEnv = { DATA_DIR: dataDir };
    const env = { ...sqliteEnv, DATABASE_URL: url, GATEHOUSE_SECRET: SECRET };
    // The same username in both: the DATA_DIR one (from an earlier embedded start) is someone else.
    for (const where of [env, sqliteEnv]) {
      const added = await runWithStdin(
        ['users', 'add', 'dora', '--email', 'dora@example.test', '--password-stdin'],
        where,
      );
      expect(added.code).toBe(0);
    }
    const { openConfiguredAuthStore, readDatabaseSettings } = await import('@gatehouse/auth-server');
    const auth = await openConfiguredAuthStore(
      { dataDir, database: readDatabaseSettings(env) },
      { logger: quiet(), applicationName: 'gatehouse-cli-test' },
    );
    const sub = (await auth.users.findByUsername('dora'))?.id ?? 'missing';
    await auth.close();
    const store = await openApiStore(
      { dataDir, databaseUrl: url, gatehouseSecret: GatehouseSecret.fromEnv(env) },
      quiet(),
    );
    await liveSession(store, 'dora-1', sub);
    await store.close();
    expect((await run(['sessions', 'list', '--user', 'dora'], env)).stdout).toMatch(/^dora-1 /m);
    expect((await run(['sessions', 'revoke', '--user', 'dora'], env)).stdout).toMatch(
      /Revoked session: dora-1/,
    );
  });

  it('looks up no username at the embedded auth server when OIDC_ISSUER names another provider', async () => {
    const dataDir = tempDir();
    const env = { DATA_DIR: dataDir, OIDC_ISSUER: 'https://idp.example.test' };
    expect(
      (
        await runWithStdin(['users', 'add', 'erin', '--email', 'erin@example.test', '--password-stdin'], {
          DATA_DIR: dataDir,
        })
      ).code,
    ).toBe(0);
    const store = new SqliteApiStore(apiDatabaseFile(dataDir));
    // At the provider, "erin" is a sub of its own; the embedded server's erin is not that user.
    await liveSession(store, 'provider-erin', 'erin');
    await store.close();
    expect((await run(['sessions', 'list', '--user', 'erin'], env)).stdout).toMatch(/^provider-erin /m);
  });

  it('refuses a wrong GATEHOUSE_SECRET with one line', async () => {
    if (postgres === undefined) throw new Error('the test PostgreSQL did not start');
    const url = await postgres.createDatabase();
    const env = { DATA_DIR: tempDir(), DATABASE_URL: url, GATEHOUSE_SECRET: SECRET };
    expect((await run(['sessions', 'list'], env)).code).toBe(0);
    const wrong = await run(['sessions', 'list'], { ...env, GATEHOUSE_SECRET: `${SECRET}, not this one` });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^gatehouse sessions: Invalid GATEHOUSE_SECRET: it is not the secret/);
    expect(wrong.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});

async function runWithStdin(argv: string[], env: Record<string, string>) {
  return runCliInProcess(argv, env, 'a long enough password for carol');
}

function quiet() {
  return createLogger({ name: 'test', level: 'warn' }, { write: () => undefined });
}
