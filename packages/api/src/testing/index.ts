export { CookieJar } from './cookie-jar.js';
export { captureLogs } from './log-capture.js';
export { type LoginVerifier, newLoginVerifier } from './login-verifier.js';
export {
  type Behaviour,
  MisbehavingProvider,
  type RecordedRequest,
  type SignMode,
  type TokenBehaviour,
} from './misbehaving-provider.js';
export { type OidcProviderFixture, startOidcProvider } from './oidc-provider-fixture.js';
export { spaSignIn } from './spa-sign-in.js';
export { type ApiChildSetup, startApiChild } from './start-api-child.js';
export {
  type ApiClient,
  apiClient,
  type FakeClock,
  fakeClock,
  reservePublicUrl,
  sameOriginJson,
  startTestApi,
  type TestApi,
} from './test-api.js';
export { TEST_GATEHOUSE_SECRET, type TestBackend, testBackends } from './test-backends.js';
