import type { AuditLog, Logger, SealedBox, Tracing } from '@gatehouse/common';
import type { ApiConfig } from '../config/load-api-config.js';
import type { ApiKeyRing } from '../keys/api-key-ring.js';
import type { ClientAssertionKey } from '../keys/client-assertion-key.js';
import type { ApiMetrics } from '../metrics/api-metrics.js';
import type { ProviderClient } from '../oidc/provider-client.js';
import type { RefreshTokens } from '../sessions/refresh-token.js';
import type { ApiStore } from '../store/api-store.js';
import type { RevokedSessions } from '../tokens/revoked-sessions.js';
import type { BearerVerifier } from '../tokens/verify-bearer.js';

/** Everything the routes share, built once by `createResourceServer` (the `ResourceServer` is one). */
export interface ApiContext {
  config: ApiConfig;
  logger: Logger;
  store: ApiStore;
  keys: ApiKeyRing;
  clientKey: ClientAssertionKey | undefined;
  provider: ProviderClient;
  revoked: RevokedSessions;
  bearer: BearerVerifier;
  /** Seals the provider's ID token at rest (kept only for id_token_hint). */
  box: SealedBox;
  /** Issues and reads refresh tokens (session id, generation, MAC). */
  refreshTokens: RefreshTokens;
  /** The counters `/metrics` shows (no-ops when METRICS is off). */
  metrics: ApiMetrics;
  /** AUDIT_LOG: one line per security event (nothing written when it is not set). */
  audit: AuditLog;
  /** Spans of the seed's steps and the provider calls (no-ops unless OTEL_EXPORTER_OTLP_ENDPOINT is set). */
  tracing: Tracing;
  now: () => number;
}
