import { sqliteStores } from '../../testing/store-backends.js';
import { runAuthenticatorStoreTests } from '../conformance/authenticator-store-conformance.js';
import { runClientKeySecretStoreTests } from '../conformance/client-key-secret-conformance.js';
import { runOidcModelStoreTests } from '../conformance/oidc-model-store-conformance.js';
import { runThrottleStoreTests } from '../conformance/throttle-store-conformance.js';
import { runUserStoreTests } from '../conformance/user-store-conformance.js';

// Every store interface's conformance suite, on SQLite (store/postgres/postgres-conformance.test.ts runs the same).
runUserStoreTests('SQLite', sqliteStores);
runAuthenticatorStoreTests('SQLite', sqliteStores);
runClientKeySecretStoreTests('SQLite', sqliteStores);
runThrottleStoreTests('SQLite', sqliteStores);
runOidcModelStoreTests('SQLite', sqliteStores);
