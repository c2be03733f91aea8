import type { ApiKeyStore } from './api-key-store.js';
import type { LoginTransactionStore } from './login-transaction-store.js';
import type { LogoutJtiStore } from './logout-jti-store.js';
import type { RateLimitStore } from './rate-limit-store.js';
import type { RevocationFeed } from './revocation-feed.js';
import type { SessionStore } from './session-store.js';

export type { ApiKeyStore } from './api-key-store.js';
export type { ConsumeResult, LoginTransaction, LoginTransactionStore } from './login-transaction-store.js';
export type { LogoutJtiStore } from './logout-jti-store.js';
export type { RateLimitCount, RateLimitStore } from './rate-limit-store.js';
export type { RevocationFeed, RevocationListener, RevokedSession } from './revocation-feed.js';
export type {
  ApiSession,
  ProviderCheck,
  ProviderGrant,
  RefreshResult,
  SessionMatch,
  SessionStore,
  SessionSummary,
  StoredUser,
} from './session-store.js';

/**
 * Everything the API persists, one small interface per concern (each with its conformance suite in
 * `store/conformance/`), assembled by a backend: SQLite in `DATA_DIR` (`store/sqlite/`) or PostgreSQL with
 * `DATABASE_URL` (`store/postgres/`), chosen in one place ({@link openApiStore}). Everything a flow needs between
 * two requests is here, so no API process holds state another one needs.
 */
export interface ApiStore
  extends LoginTransactionStore,
    SessionStore,
    RevocationFeed,
    LogoutJtiStore,
    RateLimitStore {
  /** The API's keys, kept by the same backend. */
  readonly keys: ApiKeyStore;
  /** Resolves when the backend answers, rejects when it cannot be reached now (`/readyz`). */
  ping(): Promise<void>;
  /** Deletes expired rows (transactions, logout jtis, ended sessions, old revocations, rate-limit windows). */
  sweep(now: number): Promise<void>;
  close(): Promise<void>;
}
