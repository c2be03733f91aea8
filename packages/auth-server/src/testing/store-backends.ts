import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, GatehouseSecret, type Logger } from '@gatehouse/common';
import type { TestPostgres } from '@gatehouse/common/testing';
import type { AuthStore } from '../store/auth-store.js';
import { openPostgresAuthStore } from '../store/postgres/open-postgres-auth-store.js';
import { openAuthStore } from '../store/sqlite/open-auth-store.js';

/** The GATEHOUSE_SECRET of test deployments (never a real one). */
export const TEST_GATEHOUSE_SECRET = 'test-gatehouse-secret-0123456789abcdef0123456789';

/**
 * A store to test (as oauth2-proxy's session-store tests get one per test): empty, on its own database. `another`
 * opens a second store on the same database, as a second process would (closed by `close`).
 */
export interface StoreUnderTest {
  readonly store: AuthStore;
  another(): Promise<AuthStore>;
  close(): Promise<void>;
}

/** Opens an empty {@link StoreUnderTest} whose stores read the clock `now` (epoch seconds). */
export type StoreFactory = (now?: () => number) => Promise<StoreUnderTest>;

/** Empty SQLite stores, each in a temporary DATA_DIR. */
export const sqliteStores: StoreFactory = async (now) => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-store-'));
  const options = now ? { now } : {};
  const opened = [openAuthStore(dir, options)];
  return {
    store: opened[0] as AuthStore,
    async another() {
      const store = openAuthStore(dir, options);
      opened.push(store);
      return store;
    },
    async close() {
      for (const store of opened) await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

/** Empty PostgreSQL stores, each on a new database of `server()` (started by the test file). */
export function postgresStores(server: () => TestPostgres, logger: Logger = quietLogger()): StoreFactory {
  return async (now) => {
    const url = await server().createDatabase();
    const open = () =>
      openPostgresAuthStore({
        url,
        secret: GatehouseSecret.fromEnv({ GATEHOUSE_SECRET: TEST_GATEHOUSE_SECRET }),
        logger,
        maxConnections: 4,
        ...(now ? { now } : {}),
      });
    const opened = [await open()];
    return {
      store: opened[0] as AuthStore,
      async another() {
        const store = await open();
        opened.push(store);
        return store;
      },
      async close() {
        for (const store of opened) await store.close();
      },
    };
  };
}

function quietLogger(): Logger {
  return createLogger({ name: 'test', level: 'silent' });
}
