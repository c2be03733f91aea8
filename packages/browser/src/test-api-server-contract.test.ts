import { CONTRACT_CASES, type ContractTarget } from '@gatehouse/contract/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { GOOD_CODE, startTestApiServer, type TestApiServer } from './test-support/test-api-server.js';

// The SDK's tests trust this double to answer as the API does: the contract's one table of cases, run here and
// against the real API (packages/api/src/flows/http-contract.test.ts), keeps it from drifting again (it once
// answered a cookie-less refresh with 401, the API with 204).
describe('the SDK test double keeps the HTTP contract', () => {
  let api: TestApiServer;
  beforeAll(async () => {
    api = await startTestApiServer();
  });
  afterAll(async () => api?.close());

  const target: ContractTarget = {
    get url() {
      return api.url;
    },
    // The double's provider: any login URL comes back with the good code and the login's own state.
    async authorize(loginUrl) {
      const state = new URL(loginUrl).searchParams.get('state') ?? '';
      return new URLSearchParams({ code: GOOD_CODE, state, iss: 'http://auth.test:4000' });
    },
  };

  it.each(CONTRACT_CASES)('$name', async (contractCase) => {
    await contractCase.run(target);
  });
});
