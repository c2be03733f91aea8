import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startTestPostgres, type TestPostgres } from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './process-test-support.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'gatehouse.js');

// `gatehouse start auth` with DATABASE_URL: N processes on one database with one issuer (AUTH_ISSUER) behind a
// proxy (AUTH_TRUST_PROXY) are one auth server: the same keys, the same clients and users. What the cluster test
// and `npm run bench -- --cluster` start.
describe('gatehouse start auth on PostgreSQL, twice on one database', () => {
  let postgres: TestPostgres;
  let dataDir: string;
  const children: ChildProcessWithoutNullStreams[] = [];
  beforeAll(async () => {
    postgres = await startTestPostgres();
    dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-start-pg-'));
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await postgres?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts two processes that serve one issuer with the same keys, and stop on Ctrl-C', async () => {
    const url = await postgres.createDatabase();
    const ports = [await freePort(), await freePort()];
    const issuer = `http://localhost:${ports[0]}`;
    const outputs: string[] = ['', ''];
    const exits: Promise<number | null>[] = [];
    for (const [i, port] of ports.entries()) {
      const child = spawn(process.execPath, [BIN, 'start', 'auth'], {
        env: {
          PATH: process.env.PATH ?? '',
          AUTH_PORT: String(port),
          AUTH_ISSUER: issuer,
          AUTH_TRUST_PROXY: '127.0.0.1,::1',
          DATABASE_URL: url,
          GATEHOUSE_SECRET: 'a-gatehouse-secret-of-forty-characters-00',
          DATA_DIR: dataDir,
          LOG_LEVEL: 'warn',
        },
      });
      children.push(child);
      child.stdout.on('data', (chunk: Buffer) => {
        outputs[i] += chunk.toString();
      });
      child.stderr.on('data', (chunk: Buffer) => {
        outputs[i] += chunk.toString();
      });
      exits.push(new Promise((resolve) => child.once('exit', resolve)));
    }
    await waitFor(() => outputs.every((output) => output.includes('Press Ctrl-C to stop.')), 'both started');
    const jwks: unknown[] = [];
    for (const port of ports) {
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
      const discovery = (await (
        await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`)
      ).json()) as {
        issuer: string;
      };
      expect(discovery.issuer).toBe(issuer);
      jwks.push(await (await fetch(`http://127.0.0.1:${port}/jwks`)).json());
    }
    // Keys made once, by whichever process started first, and read by the other.
    expect(jwks[0]).toEqual(jwks[1]);
    for (const child of children) child.kill('SIGINT');
    expect(await Promise.all(exits)).toEqual([0, 0]);
    expect(outputs.join('')).not.toMatch(/ {4}at /);
    // Nothing of the auth server in DATA_DIR (no secrets.key, no auth.sqlite): its state is in the database.
    expect(existsSync(join(dataDir, 'auth-server'))).toBe(false);
  });
});
