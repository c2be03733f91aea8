import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, GatehouseSecret, type Logger } from '@gatehouse/common';
import { addClient } from '../clients/client-admin.js';
import { loadAuthServerConfig } from '../config/load-auth-server-config.js';
import type { PasswordHasher } from '../passwords/password-hasher.js';
import { type RunningAuthServer, startAuthServer } from '../server/start-auth-server.js';
import type { AuthStore } from '../store/auth-store.js';
import { openPostgresAuthStore } from '../store/postgres/open-postgres-auth-store.js';
import { openAuthStore } from '../store/sqlite/open-auth-store.js';
import { addUser } from '../users/user-admin.js';
import { TEST_GATEHOUSE_SECRET } from './store-backends.js';

/** A fixed 160-bit TOTP secret for tests. */
export const TEST_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
export const TEST_SECRET = 'test-client-secret-0123456789abcdef';
export const REDIRECT_URI = 'http://127.0.0.1:9/cb';
/** The display name of client `first-party` (client `third-party` has none: pages show its id). */
export const TEST_CLIENT_NAME = 'Test App';

/** A running auth server on a free port with a temporary DATA_DIR, a first-party client and two users. */
export interface TestAuthServer {
  readonly server: RunningAuthServer;
  readonly issuer: string;
  readonly store: AuthStore;
  readonly dataDir: string;
  close(): Promise<void>;
}

/**
 * Starts a test server: client `first-party` (named "Test App", first party, client_secret_basic), `third-party`
 * (client_secret_post, consent page), users `alice` (password + TOTP) and `bob` (password only), both with
 * password `correct horse battery staple`. With `databaseUrl`, on PostgreSQL (GATEHOUSE_SECRET
 * {@link TEST_GATEHOUSE_SECRET}); `seed: false` starts another instance on a database already seeded.
 */
export async function startTestAuthServer(
  options: {
    hasher?: PasswordHasher;
    nowMs?: () => number;
    logger?: Logger;
    env?: Record<string, string>;
    databaseUrl?: string;
    seed?: boolean;
  } = {},
): Promise<TestAuthServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-auth-'));
  const logger = options.logger ?? createLogger({ name: 'test', level: 'silent' });
  const store =
    options.databaseUrl === undefined
      ? openAuthStore(dataDir)
      : await openPostgresAuthStore({
          url: options.databaseUrl,
          secret: GatehouseSecret.fromEnv({ GATEHOUSE_SECRET: TEST_GATEHOUSE_SECRET }),
          logger,
        });
  if (options.seed !== false) await seed(store);
  const config = loadAuthServerConfig({ AUTH_PORT: '0', DATA_DIR: dataDir, ...options.env });
  const server = await startAuthServer({
    config,
    store,
    logger,
    ...(options.hasher ? { hasher: options.hasher } : {}),
    ...(options.nowMs ? { nowMs: options.nowMs } : {}),
    keyReloadIntervalMs: 200,
  });
  return {
    server,
    issuer: server.issuer,
    store,
    dataDir,
    async close() {
      await server.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function seed(store: AuthStore): Promise<void> {
  await addUser(store, {
    username: 'alice',
    email: 'alice@example.com',
    password: 'correct horse battery staple',
    name: 'Alice',
    emailVerified: true,
    totpSecret: TEST_TOTP_SECRET,
  });
  await addUser(store, {
    username: 'bob',
    email: 'bob@example.com',
    password: 'correct horse battery staple',
  });
  await addClient(store, {
    clientId: 'first-party',
    name: TEST_CLIENT_NAME,
    secret: TEST_SECRET,
    redirectUris: [REDIRECT_URI],
    postLogoutRedirectUris: ['http://127.0.0.1:9/'],
    firstParty: true,
  });
  await addClient(store, {
    clientId: 'third-party',
    secret: `${TEST_SECRET}-other`,
    redirectUris: [REDIRECT_URI],
    authMethod: 'client_secret_post',
  });
}
