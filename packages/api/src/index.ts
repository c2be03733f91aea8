export { type ApiConfig, loadApiConfig, type TokenAuthMethod } from './config/load-api-config.js';
export { ApiError } from './errors/api-error.js';
export { type ApiErrorCode, ERROR_CODES } from './errors/error-codes.js';
export type { FlowStep } from './flow/flow-recorder.js';
export {
  type ApiSigningKeyInfo,
  listApiSigningKeys,
  rotateApiSigningKey,
} from './keys/rotate-api-signing-key.js';
export { type RunningApi, startApi } from './server/start-api.js';
export type { ApiStore, Contact, StoredUser } from './store/api-store.js';
export type { AccessTokenClaims } from './tokens/access-token-claims.js';
