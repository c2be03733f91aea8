export type {
  CallbackAnswer,
  ErrorAnswer,
  LoginAnswer,
  LogoutAnswer,
  MeAnswer,
  TokenAnswer,
  User,
} from '@gatehouse/contract';
export {
  type ApiConfig,
  DEFAULT_SCOPES,
  loadApiConfig,
  type TokenAuthMethod,
} from './config/load-api-config.js';
export {
  createResourceServer,
  type ResourceServerOptions,
} from './core/create-resource-server.js';
export type { ResourceServer } from './core/resource-server.js';
export { ApiError } from './errors/api-error.js';
export { type ApiErrorCode, ERROR_CODES } from './errors/error-codes.js';
export {
  type GatehouseFastify,
  type GatehousePluginOptions,
  gatehouse,
} from './fastify/gatehouse-plugin.js';
export type { GatehouseGuard } from './fastify/route-guards.js';
export type { FlowStep } from './flow/flow-recorder.js';
export type { GatehouseIdentity } from './guards/gatehouse-identity.js';
export {
  type ApiSigningKeyInfo,
  listApiSigningKeys,
  rotateApiSigningKey,
} from './keys/rotate-api-signing-key.js';
export { MAX_ROLE_LENGTH, MAX_ROLES, MAX_ROLES_BYTES } from './oidc/roles-from-claims.js';
export { type RunningApi, type StartApiOptions, startApi } from './server/start-api.js';
export { printableText } from './sessions/printable-text.js';
export type {
  ApiKeyStore,
  ApiStore,
  SessionMatch,
  SessionStore,
  SessionSummary,
  StoredUser,
} from './store/api-store.js';
export { openApiStore } from './store/open-api-store.js';
export {
  PostgresApiStore,
  type PostgresApiStoreOptions,
} from './store/postgres/postgres-api-store.js';
export { apiDatabaseFile, SqliteApiStore } from './store/sqlite/sqlite-api-store.js';
export type { AccessTokenClaims } from './tokens/access-token-claims.js';
