import { CONTRACT_CASES, type ContractTarget } from '@gatehouse/contract/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { type OidcProviderFixture, startOidcProvider } from '../testing/oidc-provider-fixture.js';
import { reservePublicUrl, startTestApi, type TestApi } from '../testing/test-api.js';

// The same table of cases the SDK's test double passes (packages/browser/src/test-api-server-contract.test.ts),
// here against the real API and a real provider: what the browser relies on is what the API answers.
describe('the API keeps the HTTP contract', () => {
  let op: OidcProviderFixture;
  let t: TestApi;

  beforeAll(async () => {
    const publicUrl = await reservePublicUrl();
    op = await startOidcProvider({
      clientId: 'gatehouse-api',
      clientSecret: 'test-client-secret-value',
      publicUrl,
    });
    t = await startTestApi({ issuer: op.issuer, publicUrl, env: { RATE_LIMIT_PER_MINUTE: '0' } });
  });
  afterAll(async () => {
    await t?.close();
    await op?.close();
  });

  const target: ContractTarget = {
    get url() {
      return t.url;
    },
    async authorize(loginUrl) {
      return (await op.signIn(loginUrl, 'carol')).searchParams;
    },
  };

  it.each(CONTRACT_CASES)('$name', async (contractCase) => {
    await contractCase.run(target);
  });
});
