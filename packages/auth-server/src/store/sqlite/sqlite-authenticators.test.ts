import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runAuthenticatorStoreTests } from '../conformance/authenticator-store-conformance.js';
import { openAuthStore } from './open-auth-store.js';

runAuthenticatorStoreTests('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-authenticators-'));
  const store = openAuthStore(dir);
  return {
    store,
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
