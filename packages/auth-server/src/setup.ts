// `@gatehouse/auth-server/setup`: what `gatehouse start` needs in its own process to set the embedded auth server
// up (check its settings, register the API's client, seed the demo users), without the server itself: the package's
// index also exports startAuthServer, whose pages, interactions and factors the API's process never runs (loading
// them cost it start-up time and resident memory, issue 15). The auth server runs in a child process.
export { type EnsureApiClientInput, ensureApiClient } from './bootstrap/ensure-api-client.js';
export { type DemoUser, seedDemoUsers } from './bootstrap/seed-demo-users.js';
export {
  type AuthServerConfig,
  issuerFor,
  loadAuthServerConfig,
} from './config/load-auth-server-config.js';
export type { AuthStore } from './store/auth-store.js';
export { openConfiguredAuthStore } from './store/open-configured-auth-store.js';
export { type RelyingParty, relyingPartyFor } from './webauthn/relying-party.js';
