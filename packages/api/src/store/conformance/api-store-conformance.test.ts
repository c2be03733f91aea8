import { startTestPostgres, type TestPostgres } from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { runApiKeyStoreSuite } from './api-key-store-suite.js';
import { runLoginTransactionStoreSuite } from './login-transaction-store-suite.js';
import { runLogoutJtiStoreSuite } from './logout-jti-store-suite.js';
import { runProviderCheckSuite } from './provider-check-suite.js';
import { runRateLimitStoreSuite } from './rate-limit-store-suite.js';
import { runRevocationFeedSuite } from './revocation-feed-suite.js';
import { runSessionAdminSuite } from './session-admin-suite.js';
import { runSessionStoreSuite } from './session-store-suite.js';
import { postgresBackend, type StoreBackend, sqliteBackend } from './store-backends.js';

/** Every suite, against one backend: what a backend must do to be the API's store. */
function runApiStoreSuites(backend: StoreBackend): void {
  runLoginTransactionStoreSuite(backend);
  runSessionStoreSuite(backend);
  runSessionAdminSuite(backend);
  runProviderCheckSuite(backend);
  runRevocationFeedSuite(backend);
  runLogoutJtiStoreSuite(backend);
  runRateLimitStoreSuite(backend);
  runApiKeyStoreSuite(backend);
}

describe('the API store on SQLite (DATA_DIR)', () => {
  const sqlite = sqliteBackend();
  afterAll(() => sqlite.cleanup());
  runApiStoreSuites(sqlite);
});

describe('the API store on PostgreSQL (DATABASE_URL)', () => {
  let postgres: TestPostgres;
  beforeAll(async () => {
    postgres = await startTestPostgres();
  });
  afterAll(async () => postgres?.close());
  runApiStoreSuites(
    postgresBackend({
      get url() {
        return postgres.url;
      },
      get port() {
        return postgres.port;
      },
      createDatabase: () => postgres.createDatabase(),
      stop: () => postgres.stop(),
      start: () => postgres.start(),
      close: () => postgres.close(),
    }),
  );
});
