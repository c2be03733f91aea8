export {
  type AuditEvent,
  type AuditEventName,
  type AuditLog,
  NO_AUDIT_LOG,
  openAuditLog,
} from './audit/audit-log.js';
export { ConfigError, type ConfigErrorCode } from './config/config-error.js';
export { type ListenSettings, listenConfigError } from './config/listen-config-error.js';
export { parseEnv } from './config/parse-env.js';
export { trustProxySetting } from './config/trust-proxy-setting.js';
export {
  CONNECTION_TIMEOUTS,
  type ConnectionLimits,
  DEFAULT_CONNECTIONS_PER_ADDRESS,
} from './connections/connection-limits.js';
export { DEFAULT_DESCRIPTOR_LIMIT, readDescriptorLimit } from './connections/descriptor-limit.js';
export { type LimitConnectionsOptions, limitConnections } from './connections/limit-connections.js';
export { maxConnectionsFor } from './connections/max-connections-for.js';
export { type ServerTimeouts, serverTimeouts } from './connections/server-timeouts.js';
export { randomToken } from './crypto/random-token.js';
export { SealedBox, SealedBoxError, type SealedBoxErrorCode } from './crypto/sealed-box.js';
export { sha256 } from './crypto/sha256.js';
export { timingSafeEqual } from './crypto/timing-safe-equal.js';
export { ensureDataDir } from './data-dir/ensure-data-dir.js';
export { type DataDirLock, type DataDirPart, lockDataDir } from './data-dir/lock-data-dir.js';
export { readOrCreateFile, readOrCreateFileAsync, writePrivateFile } from './data-dir/read-or-create-file.js';
export { escapeHtml } from './html/escape-html.js';
export { FAVICON_PATH, FAVICON_SVG } from './html/favicon.js';
export { STYLESHEET, STYLESHEET_PATH } from './html/page-styles.js';
export { renderAlert } from './html/render-alert.js';
export { type BackLink, renderBackLink } from './html/render-back-link.js';
export { type ErrorPageInput, renderErrorPage } from './html/render-error-page.js';
export { DEFAULT_PAGE_ASSETS, type PageAssets, type PageParts, renderPage } from './html/render-page.js';
export { createLogger, LOG_LEVELS, type Logger, type LogLevel, REDACT_PATHS } from './log/create-logger.js';
export { redactUrl } from './log/redact-url.js';
export { isSensitiveKey, SENSITIVE_KEYS } from './log/sensitive-keys.js';
export { wantsPrettyLogs } from './log/wants-pretty-logs.js';
export { loadPromClient } from './metrics/load-prom-client.js';
export { type MetricsAnswer, metricsAnswer } from './metrics/metrics-answer.js';
export { createMetricsRegistry } from './metrics/metrics-registry.js';
export { addressBucket, UNPARSEABLE_ADDRESS_BUCKET } from './net/address-bucket.js';
export { TrustedProxies } from './net/trusted-proxies.js';
export { readDatabaseUrl } from './postgres/database-url.js';
export {
  checkGatehouseSecret,
  GatehouseSecret,
  MIN_GATEHOUSE_SECRET_LENGTH,
} from './postgres/gatehouse-secret.js';
export { isDatabaseUnavailable } from './postgres/is-database-unavailable.js';
export { loadNodePostgres } from './postgres/load-node-postgres.js';
export { migratePostgres, type PostgresMigration } from './postgres/migrate-postgres.js';
export {
  describePostgresError,
  openPostgres,
  type PostgresClient,
  type PostgresOptions,
  type PostgresPool,
} from './postgres/open-postgres.js';
export { startExpirySweeper } from './sqlite/expiry-sweeper.js';
export { type Migration, openDatabase, type SqliteDatabase } from './sqlite/open-database.js';
export {
  NO_TRACING,
  type SpanAttributes,
  type SpanHandle,
  startTracing,
  type Tracing,
} from './tracing/tracing.js';
