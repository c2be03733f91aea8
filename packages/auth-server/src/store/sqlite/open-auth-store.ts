import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, openSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensureDataDir, openDatabase, readOrCreateFile, SealedBox } from '@gatehouse/common';
import type { AuthStore } from '../auth-store.js';
import { MIGRATIONS } from './migrations.js';
import { SqliteAccountSessions } from './sqlite-account-sessions.js';
import { SqliteAuthenticatorStore } from './sqlite-authenticators.js';
import { SqliteBackchannelOutbox } from './sqlite-backchannel-outbox.js';
import { SqliteChallengeStore } from './sqlite-challenges.js';
import { SqliteClientStore } from './sqlite-clients.js';
import { SqliteOidcModelStore } from './sqlite-oidc-models.js';
import { SqliteSecretStore } from './sqlite-secrets.js';
import { SqliteSigningKeyStore } from './sqlite-signing-keys.js';
import { SqliteThrottleStore } from './sqlite-throttle.js';
import { SqliteUserStore } from './sqlite-users.js';

/** Options for {@link openAuthStore}; `now` (epoch seconds) is injectable for tests. */
export interface OpenAuthStoreOptions {
  readonly now?: () => number;
}

/**
 * The auth server's database file in `dataDir`: {@link openAuthStore} creates it, so its absence says that no
 * auth server has used this DATA_DIR yet (`gatehouse doctor` looks before it opens anything).
 */
export function authStoreFile(dataDir: string): string {
  return join(resolve(dataDir), 'auth-server', 'auth.sqlite');
}

/**
 * Opens the auth server's SQLite store in `DATA_DIR/auth-server/` (0700; every file in it 0600): `auth.sqlite` (WAL) and
 * `secrets.key`, the 32-byte key that seals TOTP secrets, client secrets and private JWKs at rest.
 * The CLI uses it while the server runs: SQLite's busy timeout serialises the two writers.
 *
 * @example
 * const store = openAuthStore('.data');
 * console.log(await store.users.list());
 * await store.close();
 */
export function openAuthStore(dataDir: string, options: OpenAuthStoreOptions = {}): AuthStore {
  // Owner-only, like DATA_DIR itself (0700, tightened if it was looser: a restored backup, an older version).
  const dir = ensureDataDir(join(ensureDataDir(dataDir), 'auth-server'));
  const box = new SealedBox(readOrCreateFile(join(dir, 'secrets.key'), () => randomBytes(32)));
  const file = join(dir, 'auth.sqlite');
  // The database holds password hashes and sealed secrets: created 0600 before SQLite opens it, because SQLite
  // gives the -wal and -shm files it creates the database file's mode, also when it creates them again long
  // after this open (after the last connection closed, a CLI command opens the file anew).
  closeSync(openSync(file, 'a', 0o600));
  const db = openDatabase(file, MIGRATIONS);
  // Files from before (a restored backup, an older version) are tightened too.
  for (const name of readdirSync(dir)) if (name.startsWith('auth.sqlite')) chmodSync(join(dir, name), 0o600);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const accountSessions = new SqliteAccountSessions(db);
  return {
    users: new SqliteUserStore(db, box, now, accountSessions),
    authenticators: new SqliteAuthenticatorStore(db, box, now, accountSessions),
    challenges: new SqliteChallengeStore(db),
    clients: new SqliteClientStore(db, box, now),
    keys: new SqliteSigningKeyStore(db, box),
    secrets: new SqliteSecretStore(db, box),
    throttle: new SqliteThrottleStore(db),
    models: new SqliteOidcModelStore(db, accountSessions),
    outbox: new SqliteBackchannelOutbox(db),
    async close() {
      if (db.open) db.close();
    },
  };
}
