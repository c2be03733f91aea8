import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startTestPostgres, type TestPostgres } from '@gatehouse/common/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './process-test-support.js';

// `gatehouse start api` with DATABASE_URL: the API on PostgreSQL, and one line (exit 1) for each way that cannot
// work. The committed bin, as npm links it; npm test builds first.
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gatehouse.js');
const SECRET = 'a test gatehouse secret, long enough to be accepted';

function startApi(env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, 'start', 'api'], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  void exited.then(() => clearTimeout(timer));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('gatehouse start api with DATABASE_URL', () => {
  let postgres: TestPostgres;
  let dataDir: string;
  beforeAll(async () => {
    postgres = await startTestPostgres();
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-start-pg-'));
  });
  afterAll(async () => {
    await postgres?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function base(): Promise<Record<string, string>> {
    const port = await freePort();
    return {
      PORT: String(port),
      PUBLIC_URL: `http://localhost:${port}`,
      DATA_DIR: dataDir,
      // Nothing answers there: the API starts and retries discovery in the background.
      OIDC_ISSUER: `http://127.0.0.1:${await freePort()}`,
      OIDC_CLIENT_SECRET: 'a-client-secret',
    };
  }

  it('keeps its state and keys in the database, and stops cleanly', async () => {
    const url = await postgres.createDatabase();
    const env: Record<string, string> = { ...(await base()), DATABASE_URL: url, GATEHOUSE_SECRET: SECRET };
    const api = startApi(env);
    try {
      await waitFor(async () => {
        const health = await fetch(`http://127.0.0.1:${env.PORT}/healthz`).catch(() => undefined);
        return health?.status === 200;
      }, 'the API to listen');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string }>('SELECT name FROM api_keys ORDER BY name');
        expect(rows.map((row) => row.name)).toEqual(['sealing-key', 'signing-keys']);
        const tables = await client.query(
          "SELECT 1 FROM information_schema.tables WHERE table_name = 'demo_contacts'",
        );
        expect(tables.rowCount).toBe(1);
      } finally {
        await client.end();
      }
      expect(readdirSync(dataDir)).not.toContain('api');
    } finally {
      api.child.kill('SIGTERM');
    }
    expect(await api.exited).toBe(0);
  });

  it('refuses to start with one line: no secret, a wrong one, an unreachable database', async () => {
    const url = await postgres.createDatabase();
    const first = startApi({ ...(await base()), DATABASE_URL: url, GATEHOUSE_SECRET: SECRET });
    await waitFor(
      () => first.output().stdout.length > 0 || first.output().stderr.length > 0,
      'the first start',
    );
    first.child.kill('SIGTERM');
    await first.exited;
    const cases: [Record<string, string>, RegExp][] = [
      [{ DATABASE_URL: url }, /Invalid GATEHOUSE_SECRET: required with DATABASE_URL/],
      [{ DATABASE_URL: url, GATEHOUSE_SECRET: 'too short' }, /Invalid GATEHOUSE_SECRET: must be at least 32/],
      [
        { DATABASE_URL: url, GATEHOUSE_SECRET: `${SECRET}, another one` },
        /Invalid GATEHOUSE_SECRET: it is not the secret this database was set up with/,
      ],
      [
        { DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/none`, GATEHOUSE_SECRET: SECRET },
        /Invalid DATABASE_URL: the database cannot be used \(ECONNREFUSED/,
      ],
    ];
    for (const [extra, line] of cases) {
      const run = startApi({ ...(await base()), ...extra });
      const code = await run.exited;
      const { stderr } = run.output();
      expect(stderr).toMatch(/^[^\n]+\n$/);
      expect(stderr).toMatch(line);
      expect(stderr).not.toContain('postgres://');
      expect(code).toBe(1);
    }
  });
});
