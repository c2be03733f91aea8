import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ConfigError, createLogger, GatehouseSecret } from '@gatehouse/common';
import { startTestPostgres, type TestPostgres } from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuthServerConfig } from '../../config/load-auth-server-config.js';
import { rotateSigningKeys } from '../../keys/signing-keys.js';
import { TestBrowser } from '../../testing/browser.js';
import { authorizeUrl, pkcePair, signIn } from '../../testing/sign-in.js';
import { TEST_GATEHOUSE_SECRET } from '../../testing/store-backends.js';
import {
  startTestAuthServer,
  TEST_SECRET,
  TEST_TOTP_SECRET,
  type TestAuthServer,
} from '../../testing/test-auth-server.js';
import { codeGrant, tokenRequest } from '../../testing/token-request.js';
import { totpCode } from '../../totp/totp.js';
import { createUserRecoveryCodes } from '../../users/user-admin.js';
import { openPostgresAuthStore } from './open-postgres-auth-store.js';

const run = promisify(execFile);
const PG_DUMP = `${process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin'}/pg_dump`;
const PASSWORD = 'correct horse battery staple';
const logger = createLogger({ name: 'test', level: 'silent' });

// docs/security.md 40: after real use (sign-ins with TOTP, tokens issued and refreshed, recovery codes, a key
// rotation), a pg_dump of the database holds none of the secrets this test knows, in any column.
describe('nothing secret in plain text in a dump of the PostgreSQL store', () => {
  let postgres: TestPostgres;
  let url: string;
  let auth: TestAuthServer;
  beforeAll(async () => {
    postgres = await startTestPostgres();
    url = await postgres.createDatabase();
    auth = await startTestAuthServer({ databaseUrl: url });
  });
  afterAll(async () => {
    await auth?.close();
    await postgres?.close();
  });

  it('keeps every secret, key, token, code and cookie value out of the dump', async () => {
    const known: Record<string, string> = {
      GATEHOUSE_SECRET: TEST_GATEHOUSE_SECRET,
      'TOTP secret': TEST_TOTP_SECRET,
      'client secret': TEST_SECRET,
      'other client secret': `${TEST_SECRET}-other`,
      password: PASSWORD,
    };
    const browser = new TestBrowser();
    const { verifier, challenge } = pkcePair();
    const landed = await signIn(browser, authorizeUrl(auth.issuer, 'first-party', challenge), auth.issuer, {
      username: 'alice',
      password: PASSWORD,
      code: () => totpCode(TEST_TOTP_SECRET, Date.now()),
    });
    const code = String(landed.searchParams.get('code'));
    known['authorization code'] = code;
    const tokens = await tokenRequest(auth.issuer, codeGrant(code, verifier));
    expect(tokens.status).toBe(200);
    known['access token'] = String(tokens.json.access_token);
    known['refresh token'] = String(tokens.json.refresh_token);
    const refreshed = await tokenRequest(auth.issuer, {
      grant_type: 'refresh_token',
      refresh_token: known['refresh token'],
    });
    expect(refreshed.status).toBe(200);
    known['refreshed access token'] = String(refreshed.json.access_token);
    known['rotated refresh token'] = String(refreshed.json.refresh_token);
    for (const [name, cookie] of browser.cookies) {
      if (!name.endsWith('.sig') && cookie.value.length >= 16) known[`cookie ${name}`] = cookie.value;
    }
    expect(Object.keys(known)).toContain('cookie _session');
    (await createUserRecoveryCodes(auth.store, 'alice')).forEach((each, i) => {
      known[`recovery code ${i}`] = each;
    });
    await rotateSigningKeys(auth.store, Math.floor(Date.now() / 1000));
    for (const key of await auth.store.keys.list()) {
      for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi']) {
        const value = key.privateJwk[part];
        if (typeof value === 'string') known[`${key.kid} ${part}`] = value;
      }
    }
    for (const name of [
      'cookie-key',
      'device-cookie-key',
      'account-form-key',
      'account-totp-proof-key',
      'recovery-code-key',
    ]) {
      known[name] = await auth.store.secrets.getOrCreate(name, () => {
        throw new Error(`${name} should exist after real use`);
      });
    }

    const { stdout: dump } = await run(PG_DUMP, ['--dbname', url, '--data-only'], {
      maxBuffer: 64 * 1024 * 1024,
    });
    // The dump has the rows (users, sealed secrets, models): it is not empty by accident.
    expect(dump).toContain('alice@example.com');
    expect(dump).toMatch(/COPY public\.auth_oidc_models/);
    const found = Object.entries(known)
      .filter(([, value]) => dump.includes(value))
      .map(([name]) => name);
    expect(found).toEqual([]);
  });

  it('refuses to start with another GATEHOUSE_SECRET, and makes no new keys', async () => {
    const kids = (await auth.store.keys.kids()).sort();
    const attempt = openPostgresAuthStore({
      url,
      secret: GatehouseSecret.fromEnv({ GATEHOUSE_SECRET: `${TEST_GATEHOUSE_SECRET}-but-another` }),
      logger,
    });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toMatchObject({
      setting: 'GATEHOUSE_SECRET',
      message: expect.stringMatching(/^Invalid GATEHOUSE_SECRET: it is not the secret this database/),
    });
    expect((await auth.store.keys.kids()).sort()).toEqual(kids);
  });

  it('requires GATEHOUSE_SECRET with DATABASE_URL, in one line naming it', () => {
    expect(() => loadAuthServerConfig({ DATABASE_URL: url })).toThrow(
      /^Invalid GATEHOUSE_SECRET: required with DATABASE_URL/,
    );
    expect(() => loadAuthServerConfig({ DATABASE_URL: url, GATEHOUSE_SECRET: 'too short' })).toThrow(
      /^Invalid GATEHOUSE_SECRET: must be at least 32 characters/,
    );
    const config = loadAuthServerConfig({ DATABASE_URL: url, GATEHOUSE_SECRET: TEST_GATEHOUSE_SECRET });
    expect(config.database?.url).toBe(url);
    expect(JSON.stringify(config)).not.toContain(TEST_GATEHOUSE_SECRET);
  });
});
