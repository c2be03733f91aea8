import { randomBytes } from 'node:crypto';
import { chmodSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDataDir, openDatabase, readOrCreateFile, SealedBox } from '@gatehouse/common';
import type { AuthStore } from '../auth-store.js';
import { MIGRATIONS } from './migrations.js';
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
 * Opens the auth server's SQLite store in `DATA_DIR/auth-server/` (created 0700): `auth.sqlite` (WAL) and
 * `secrets.key`, the 32-byte key that seals TOTP secrets, client secrets and private JWKs at rest.
 * The CLI uses it while the server runs: SQLite's busy timeout serialises the two writers.
 *
 * @example
 * const store = openAuthStore('.data');
 * console.log(await store.users.list());
 * await store.close();
 */
export function openAuthStore(dataDir: string, options: OpenAuthStoreOptions = {}): AuthStore {
  const dir = join(ensureDataDir(dataDir), 'auth-server');
  const box = new SealedBox(readOrCreateFile(join(dir, 'secrets.key'), () => randomBytes(32)));
  const db = openDatabase(join(dir, 'auth.sqlite'), MIGRATIONS);
  // The database holds password hashes and sealed secrets: owner-only, like the key (the -wal/-shm too).
  for (const name of readdirSync(dir)) if (name.startsWith('auth.sqlite')) chmodSync(join(dir, name), 0o600);
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  return {
    users: new SqliteUserStore(db, box, now),
    clients: new SqliteClientStore(db, box, now),
    keys: new SqliteSigningKeyStore(db, box),
    secrets: new SqliteSecretStore(db, box),
    throttle: new SqliteThrottleStore(db),
    models: new SqliteOidcModelStore(db),
    async close() {
      if (db.open) db.close();
    },
  };
}
