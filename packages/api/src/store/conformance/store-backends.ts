import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, GatehouseSecret, type Logger } from '@gatehouse/common';
import type { TestPostgres } from '@gatehouse/common/testing';
import pg from 'pg';
import { TEST_GATEHOUSE_SECRET } from '../../testing/test-backends.js';
import type { ApiStore } from '../api-store.js';
import { PostgresApiStore } from '../postgres/postgres-api-store.js';
import { apiDatabaseFile, SqliteApiStore } from '../sqlite/sqlite-api-store.js';

export { TEST_GATEHOUSE_SECRET } from '../../testing/test-backends.js';

/** A clock the suites move by hand (epoch ms), handed to every store call that takes `now`. */
export interface SuiteClock {
  now(): number;
  advance(ms: number): void;
}

/** A fake clock starting at a fixed, plausible time. */
export function suiteClock(start = 1_900_000_000_000): SuiteClock {
  let current = start;
  return {
    now: () => current,
    advance(ms) {
      current += ms;
    },
  };
}

/** One fresh database of a backend: a store on it and, like a second process, more stores on the same one. */
export interface OpenedStores {
  store: ApiStore;
  /** Another store on the same database (another API process, or the CLI). */
  peer(): Promise<ApiStore>;
  close(): Promise<void>;
}

/** What only a backend with concurrent writers can be made to do, to prove what SQLite's one writer gave. */
export interface ConcurrentWriters {
  /** Revokes `sessionId` in a transaction of its own left open; the returned function commits it. */
  holdRevocation(sessionId: string, now: number): Promise<() => Promise<void>>;
  /** Cuts the connections that listen for revocation notices, as a network failure or a restart would. */
  dropListeners(): Promise<void>;
}

/** A backend the conformance suites run against. */
export interface StoreBackend {
  name: 'sqlite' | 'postgres';
  open(): Promise<OpenedStores>;
  concurrent?: ConcurrentWriters;
}

/** A logger that keeps its lines instead of printing them. */
export function quietLogger(lines: string[] = []): Logger {
  return createLogger({ name: 'test', level: 'info' }, { write: (line: string) => lines.push(line) });
}

/** SQLite: a new file per `open()`, every peer a second connection to it. */
export function sqliteBackend(): StoreBackend & { cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-conformance-'));
  return {
    name: 'sqlite',
    async open() {
      const dataDir = mkdtempSync(join(dir, 'db-'));
      const stores: ApiStore[] = [];
      const open = () => {
        const store = new SqliteApiStore(apiDatabaseFile(dataDir));
        stores.push(store);
        return store;
      };
      return {
        store: open(),
        peer: async () => open(),
        close: async () => {
          await Promise.all(stores.map((store) => store.close()));
        },
      };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** PostgreSQL: a new database per `open()` on the test server, every peer a pool of its own on it. */
export function postgresBackend(postgres: TestPostgres, secret = TEST_GATEHOUSE_SECRET): StoreBackend {
  let current: string | undefined;
  return {
    name: 'postgres',
    async open() {
      const url = await postgres.createDatabase();
      current = url;
      const stores: ApiStore[] = [];
      const open = async () => {
        const store = await PostgresApiStore.open({
          url,
          secret: GatehouseSecret.fromEnv({ GATEHOUSE_SECRET: secret }),
          logger: quietLogger(),
        });
        stores.push(store);
        return store;
      };
      return {
        store: await open(),
        peer: open,
        close: async () => {
          await Promise.all(stores.map((store) => store.close()));
        },
      };
    },
    concurrent: {
      async holdRevocation(sessionId, now) {
        const client = new pg.Client({ connectionString: current });
        await client.connect();
        await client.query('BEGIN');
        await client.query(
          "UPDATE api_sessions SET revoked_at = $1, revoked_reason = 'logout' WHERE id = $2 AND revoked_at IS NULL",
          [now, sessionId],
        );
        return async () => {
          await client.query('COMMIT');
          await client.end();
        };
      },
      async dropListeners() {
        const client = new pg.Client({ connectionString: current });
        await client.connect();
        try {
          await client.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'gatehouse-api-revocations'",
          );
        } finally {
          await client.end();
        }
      },
    },
  };
}
