import { startTestPostgres, type TestPostgres } from '@gatehouse/common/testing';
import { afterAll, beforeAll } from 'vitest';
import { postgresStores } from '../../testing/store-backends.js';
import { runAuthenticatorStoreTests } from '../conformance/authenticator-store-conformance.js';
import { runClientKeySecretStoreTests } from '../conformance/client-key-secret-conformance.js';
import { runOidcModelStoreTests } from '../conformance/oidc-model-store-conformance.js';
import { runThrottleStoreTests } from '../conformance/throttle-store-conformance.js';
import { runUserStoreTests } from '../conformance/user-store-conformance.js';

// Every store interface's conformance suite, on PostgreSQL: the same tests as SQLite's, each on a new database.
let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startTestPostgres();
});
afterAll(async () => {
  await postgres?.close();
});
const stores = postgresStores(() => postgres);

runUserStoreTests('PostgreSQL', stores);
runAuthenticatorStoreTests('PostgreSQL', stores);
runClientKeySecretStoreTests('PostgreSQL', stores);
runThrottleStoreTests('PostgreSQL', stores);
runOidcModelStoreTests('PostgreSQL', stores);
