export {
  API_CLIENT_NAME,
  type EnsureApiClientInput,
  ensureApiClient,
} from './bootstrap/ensure-api-client.js';
export { type DemoUser, seedDemoUsers } from './bootstrap/seed-demo-users.js';
export {
  type AddClientInput,
  addClient,
  CLIENT_AUTH_METHODS,
  MAX_CLIENT_NAME_LENGTH,
} from './clients/client-admin.js';
export {
  type AuthServerConfig,
  issuerFor,
  loadAuthServerConfig,
  readDatabaseSettings,
} from './config/load-auth-server-config.js';
export { AuthServerError, type AuthServerErrorCode } from './errors/auth-server-error.js';
export { isSigningAlgorithm, SIGNING_ALGORITHMS, type SigningAlgorithm } from './keys/signing-algorithms.js';
export { listSigningKeys, rotateSigningKeys, type SigningKeyInfo } from './keys/signing-keys.js';
export { argon2idHasher, MAX_PASSWORD_LENGTH, type PasswordHasher } from './passwords/password-hasher.js';
export { RECOVERY_CODE_COUNT } from './recovery/recovery-codes.js';
export type { AuthServerMessage } from './server/child-protocol.js';
export {
  type RunningAuthServer,
  type StartAuthServerOptions,
  startAuthServer,
} from './server/start-auth-server.js';
export type {
  AccountEndReason,
  AuthenticatorStore,
  AuthenticatorSummary,
  AuthStore,
  BackchannelNotice,
  BackchannelOutbox,
  ChallengeStore,
  ClientAuthMethod,
  ClientInput,
  ClientRecord,
  ClientStore,
  NewPasskey,
  NewUser,
  OidcModelStore,
  PasskeyRecord,
  RecoveryCodeHash,
  SecretStore,
  SigningKeyRecord,
  SigningKeyStore,
  ThrottleRecord,
  ThrottleStore,
  UserRecord,
  UserStore,
} from './store/auth-store.js';
export { authStoreExists, openConfiguredAuthStore } from './store/open-configured-auth-store.js';
export {
  type OpenPostgresAuthStoreOptions,
  openPostgresAuthStore,
} from './store/postgres/open-postgres-auth-store.js';
export { authStoreFile, type OpenAuthStoreOptions, openAuthStore } from './store/sqlite/open-auth-store.js';
export { THROTTLE_POLICY } from './throttle/login-throttle.js';
export { SECOND_FACTOR_POLICY } from './throttle/second-factor-throttle.js';
export { generateTotpSecret, isValidTotpSecret, totpCode, totpUri } from './totp/totp.js';
export {
  type AddUserInput,
  addUser,
  assertPasswordAcceptable,
  assertTotpSecretAcceptable,
  changeUserRoles,
  createUserRecoveryCodes,
  listUserPasskeys,
  MAX_ROLES,
  MIN_PASSWORD_LENGTH,
  normalizeRoles,
  removeUser,
  removeUserPasskey,
  setUserDisabled,
  setUserPassword,
  setUserTotpSecret,
} from './users/user-admin.js';
