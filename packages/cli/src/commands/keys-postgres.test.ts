import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPostgres, type TestPostgres } from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliInProcess } from '../testing/run-cli-in-process.js';

const SECRET = 'a test gatehouse secret, long enough to be accepted';

// `gatehouse keys … --api` with DATABASE_URL: the keys every API process shares, sealed in the database.
describe('gatehouse keys --api on PostgreSQL', () => {
  let postgres: TestPostgres;
  let dataDir: string;
  beforeAll(async () => {
    postgres = await startTestPostgres();
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-pg-'));
  });
  afterAll(async () => {
    await postgres?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function run(argv: string[], env: Record<string, string>) {
    return runCliInProcess(argv, { DATA_DIR: dataDir, ...env });
  }

  it('rotates and lists the keys in the database, nothing in DATA_DIR, and refuses a wrong or missing secret', async () => {
    const env = { DATABASE_URL: await postgres.createDatabase(), GATEHOUSE_SECRET: SECRET };
    expect((await run(['keys', 'list', '--api'], env)).stdout).toMatch(/No API signing key yet/);
    const rotated = await run(['keys', 'rotate', '--api'], env);
    expect(rotated.code).toBe(0);
    const kid = /New API signing key (\S+) /.exec(rotated.stdout)?.[1];
    expect(kid).toBeTruthy();
    const listed = await run(['keys', 'list', '--api'], env);
    expect(listed.stdout).toContain(kid ?? 'missing');
    expect(listed.stdout).toMatch(/active/);
    expect(readdirSync(dataDir)).toEqual([]);

    const wrong = await run(['keys', 'list', '--api'], {
      ...env,
      GATEHOUSE_SECRET: `${SECRET}, not this one`,
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /^gatehouse keys: Invalid GATEHOUSE_SECRET: it is not the secret this database was set up with/m,
    );
    const missing = await run(['keys', 'rotate', '--api'], { DATABASE_URL: env.DATABASE_URL });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Invalid GATEHOUSE_SECRET: required with DATABASE_URL/);
    expect((await run(['keys', 'list', '--api'], env)).stdout.match(/ active /g)).toHaveLength(1);
  });
});
