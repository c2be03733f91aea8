import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openPostgresAuthStore } from '@gatehouse/auth-server';
import { createLogger, GatehouseSecret } from '@gatehouse/common';
import { freePort, startTestPostgres, type TestPostgres } from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHarness } from './users-test-context.js';

const SECRET = 'cli-test-gatehouse-secret-0123456789abcdef';
const PASSWORD = 'a sufficiently long password';
const logger = createLogger({ name: 'test', level: 'silent' });

// `gatehouse users`, `clients` and `keys` with DATABASE_URL: the auth server's store in PostgreSQL, shared with
// every running auth-server process, secrets sealed with GATEHOUSE_SECRET, nothing written to DATA_DIR.
describe('gatehouse users, clients and keys on PostgreSQL', () => {
  let postgres: TestPostgres;
  beforeAll(async () => {
    postgres = await startTestPostgres();
  });
  afterAll(async () => {
    await postgres?.close();
  });

  const openStore = (url: string) =>
    openPostgresAuthStore({ url, secret: GatehouseSecret.fromEnv({ GATEHOUSE_SECRET: SECRET }), logger });

  it('adds users and clients and rotates keys in the database, keeping nothing in DATA_DIR', async () => {
    const url = await postgres.createDatabase();
    const cli = cliHarness({ DATABASE_URL: url, GATEHOUSE_SECRET: SECRET });
    try {
      const added = await cli.run(
        [
          'users',
          'add',
          'dana',
          '--email',
          'dana@example.com',
          '--totp-secret',
          'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
          '--password-stdin',
        ],
        `${PASSWORD}\n`,
      );
      expect(added).toMatchObject({ code: 0, stderr: '' });
      expect((await cli.run(['users', 'list'])).stdout).toMatch(/dana\s+dana@example\.com/);
      const client = await cli.run(
        ['clients', 'add', 'reports', '--secret-stdin', '--redirect-uri', 'https://reports.example/cb'],
        'reports-secret-reports-secret-reports-secret\n',
      );
      expect(client).toMatchObject({ code: 0, stderr: '' });
      expect((await cli.run(['keys', 'rotate', '--alg', 'RS256'])).code).toBe(0);
      expect((await cli.run(['keys', 'list'])).stdout).toMatch(/RS256\s+active/);

      const store = await openStore(url);
      try {
        const dana = await store.users.findByUsername('dana');
        expect(await store.authenticators.totpSecret(String(dana?.id))).toBe(
          'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
        );
        expect((await store.clients.find('reports'))?.secret).toBe(
          'reports-secret-reports-secret-reports-secret',
        );
        expect(await store.keys.kids()).toHaveLength(1);
      } finally {
        await store.close();
      }
      // No secrets.key, no auth.sqlite: the database is the only place.
      expect(existsSync(join(cli.dataDir, 'auth-server'))).toBe(false);
    } finally {
      cli.cleanup();
    }
  });

  it('reaches a running auth server on the same database: a rotated key is published within seconds', async () => {
    const url = await postgres.createDatabase();
    const { startAuthServer, loadAuthServerConfig } = await import('@gatehouse/auth-server');
    const port = await freePort();
    const server = await startAuthServer({
      config: loadAuthServerConfig({ AUTH_PORT: String(port), DATABASE_URL: url, GATEHOUSE_SECRET: SECRET }),
      logger,
      keyReloadIntervalMs: 200,
    });
    const cli = cliHarness({ DATABASE_URL: url, GATEHOUSE_SECRET: SECRET });
    try {
      const rotated = await cli.run(['keys', 'rotate', '--alg', 'RS256']);
      expect(rotated.code).toBe(0);
      const kid = /New signing key: (\S+)\./.exec(rotated.stdout)?.[1];
      expect(kid).toBeDefined();
      const published = async () => {
        const jwks = (await (await fetch(`${server.issuer}/jwks`)).json()) as { keys: { kid: string }[] };
        return jwks.keys.some((key) => key.kid === kid);
      };
      // The server polls the keys table (every 200 ms here); bounded, never a timing assertion.
      let seen = await published();
      for (let tries = 0; tries < 100 && !seen; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        seen = await published();
      }
      expect(seen).toBe(true);
    } finally {
      cli.cleanup();
      await server.close();
    }
  });

  it('says in one line what is wrong: no GATEHOUSE_SECRET, another one, or no database there', async () => {
    const url = await postgres.createDatabase();
    const missing = cliHarness({ DATABASE_URL: url });
    const setUp = cliHarness({ DATABASE_URL: url, GATEHOUSE_SECRET: SECRET });
    const wrong = cliHarness({ DATABASE_URL: url, GATEHOUSE_SECRET: `${SECRET}-another` });
    const down = cliHarness({
      DATABASE_URL: `postgres://postgres:sekrit@127.0.0.1:${await freePort()}/none`,
      GATEHOUSE_SECRET: SECRET,
    });
    try {
      expect(await missing.run(['users', 'list'])).toEqual({
        code: 1,
        stdout: '',
        stderr: expect.stringMatching(
          /^gatehouse users: Invalid GATEHOUSE_SECRET: required with DATABASE_URL[^\n]*\n$/,
        ),
      });
      expect((await setUp.run(['users', 'list'])).code).toBe(0);
      expect(await wrong.run(['users', 'list'])).toEqual({
        code: 1,
        stdout: '',
        stderr: expect.stringMatching(
          /^gatehouse users: Invalid GATEHOUSE_SECRET: it is not the secret[^\n]*\n$/,
        ),
      });
      const unreachable = await down.run(['clients', 'list']);
      expect(unreachable).toEqual({
        code: 1,
        stdout: '',
        stderr: expect.stringMatching(
          /^gatehouse clients: Cannot reach the database at DATABASE_URL: [^\n]*\n$/,
        ),
      });
      expect(unreachable.stderr).not.toContain('sekrit');
    } finally {
      for (const each of [missing, setUp, wrong, down]) each.cleanup();
    }
  });
});
