import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresApiStore } from '@gatehouse/api';
import { ensureApiClient, openAuthStore } from '@gatehouse/auth-server';
import { createLogger, GatehouseSecret } from '@gatehouse/common';
import { freePort, startTestPostgres, type TestPostgres } from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAuthAlone, startAuthAlone } from '../start/start-auth-alone.js';
import { runCliInProcess } from '../testing/run-cli-in-process.js';

// `gatehouse doctor` for an API on PostgreSQL with private_key_jwt: the API keeps its client key in the database
// (sealed with GATEHOUSE_SECRET), so that is where doctor must look, never in DATA_DIR.

const GATEHOUSE_SECRET = 'doctor-postgres-test-gatehouse-secret-0123456789';
const logger = createLogger({ name: 'test', level: 'silent' });

let postgres: TestPostgres;
let auth: RunningAuthAlone;
let authDataDir: string;
let apiDataDir: string;
let publicUrl: string;

beforeAll(async () => {
  postgres = await startTestPostgres();
  authDataDir = mkdtempSync(join(tmpdir(), 'gatehouse-doctor-pg-auth-'));
  apiDataDir = mkdtempSync(join(tmpdir(), 'gatehouse-doctor-pg-api-'));
  auth = await startAuthAlone({ AUTH_PORT: '0', DATA_DIR: authDataDir }, logger);
  publicUrl = `http://localhost:${await freePort()}`;
  const store = openAuthStore(authDataDir);
  try {
    await ensureApiClient(store, {
      clientId: 'gatehouse-api',
      publicUrl,
      secret: 'unused-by-this-client-0123456',
    });
  } finally {
    await store.close();
  }
});
afterAll(async () => {
  await auth?.close();
  await postgres?.close();
  rmSync(authDataDir, { recursive: true, force: true });
  rmSync(apiDataDir, { recursive: true, force: true });
});

async function doctor(
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCliInProcess(['doctor'], env);
}

function credentialsLine(stdout: string): string | undefined {
  return stdout.split('\n').find((line) => /^(ok|warn|FAIL) +client-credentials /.test(line));
}

describe('gatehouse doctor with DATABASE_URL and private_key_jwt', () => {
  it("reads the API's client key from the database, creating none, and never looks in DATA_DIR", async () => {
    const databaseUrl = await postgres.createDatabase();
    const env = {
      OIDC_ISSUER: auth.issuer,
      OIDC_CLIENT_ID: 'gatehouse-api',
      OIDC_TOKEN_AUTH_METHOD: 'private_key_jwt',
      PUBLIC_URL: publicUrl,
      DATA_DIR: apiDataDir,
      DATABASE_URL: databaseUrl,
      GATEHOUSE_SECRET,
    };
    const missing = await doctor(env);
    expect(missing.code).toBe(1);
    expect(credentialsLine(missing.stdout)).toContain(
      'FAIL  client-credentials     the API has no client key yet (in the database at DATABASE_URL), so the provider cannot know it',
    );
    const secret = GatehouseSecret.fromEnv({ GATEHOUSE_SECRET });
    const api = await PostgresApiStore.open({ url: databaseUrl, secret, logger });
    try {
      // Looked for, never created: a key made by doctor would not be the one registered at the provider.
      expect(await api.keys.existingClientAssertionJwk()).toBeUndefined();
      // The key the API makes on its first start, in the database only: DATA_DIR stays empty.
      await api.keys.clientAssertionJwk();
    } finally {
      await api.close();
    }
    const found = await doctor(env);
    // The key was read and sent: the provider, which was never told this key, refuses it (not "no client key").
    expect(credentialsLine(found.stdout)).toMatch(
      /^FAIL +client-credentials +the provider refused client gatehouse-api's credentials \(invalid_client with private_key_jwt\)/,
    );
    expect(found.stderr).toBe('');
  });

  it('reports a GATEHOUSE_SECRET the database refuses as a config finding, not a stack', async () => {
    const databaseUrl = await postgres.createDatabase();
    const api = await PostgresApiStore.open({
      url: databaseUrl,
      secret: GatehouseSecret.fromEnv({ GATEHOUSE_SECRET }),
      logger,
    });
    await api.close();
    const result = await doctor({
      OIDC_ISSUER: auth.issuer,
      OIDC_CLIENT_ID: 'gatehouse-api',
      OIDC_TOKEN_AUTH_METHOD: 'private_key_jwt',
      PUBLIC_URL: publicUrl,
      DATA_DIR: apiDataDir,
      DATABASE_URL: databaseUrl,
      GATEHOUSE_SECRET: `${GATEHOUSE_SECRET}-another`,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^FAIL {2}config {2}Invalid GATEHOUSE_SECRET: it is not the secret this database/m,
    );
  });
});
