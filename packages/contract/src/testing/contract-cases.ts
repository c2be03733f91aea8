import { API_ROUTES } from '../routes.js';
import {
  expectError,
  expectLoginAnswer,
  expectLogoutAnswer,
  expectStatus,
  expectTokenAnswer,
  expectUser,
} from './check-answers.js';
import { type ContractAnswer, ContractClient, pageLoginVerifier } from './contract-client.js';
import { expectContract } from './contract-violation.js';

/** A server that claims to keep the HTTP contract: the real API, or a test double of it. */
export interface ContractTarget {
  /** The API's origin. */
  readonly url: string;
  /**
   * Plays the user at the provider: from the `login_url` the API gave to the query the provider redirects back
   * to `/callback` with (`code`, `state`, `iss`).
   */
  authorize(loginUrl: string): Promise<URLSearchParams>;
}

/** One case of the contract: a name for the test, and what to send and expect. Throws `ContractViolation`. */
export interface ContractCase {
  readonly name: string;
  run(target: ContractTarget): Promise<void>;
}

/** A browser signed in through the SPA flow, as the SDK does it. */
interface SignedIn {
  client: ContractClient;
  callback: ContractAnswer;
  callbackQuery: URLSearchParams;
  callbackHeaders: Record<string, string>;
  token: string;
}

async function signIn(target: ContractTarget, returnTo = '/somewhere?x=1'): Promise<SignedIn> {
  const client = new ContractClient(target.url);
  const page = await pageLoginVerifier();
  const login = await client.get(`${API_ROUTES.login}?return_to=${encodeURIComponent(returnTo)}`, {
    headers: page.loginHeaders,
  });
  const { login_url } = expectLoginAnswer(login, 'GET /api/login');
  const callbackQuery = await target.authorize(login_url);
  const callback = await client.get(`${API_ROUTES.callback}?${callbackQuery}`, {
    headers: page.callbackHeaders,
  });
  const answer = expectTokenAnswer(callback, 'GET /api/callback', true);
  return {
    client,
    callback,
    callbackQuery,
    callbackHeaders: page.callbackHeaders,
    token: answer.access_token,
  };
}

/**
 * The HTTP contract between the API and the browser, case by case: one table run against the real API (its
 * tests) and against the SDK's test double (the SDK's tests), so that the double cannot drift from the API.
 */
export const CONTRACT_CASES: readonly ContractCase[] = [
  {
    name: 'GET /api/login without a login challenge: 400 invalid_request',
    async run(target) {
      const answer = await new ContractClient(target.url).get(API_ROUTES.login);
      expectError(answer, 'invalid_request', 'GET /api/login without a challenge');
    },
  },
  {
    name: 'GET /api/login: 200 {login_url} and a login-transaction cookie',
    async run(target) {
      const client = new ContractClient(target.url);
      const page = await pageLoginVerifier();
      const answer = await client.get(API_ROUTES.login, { headers: page.loginHeaders });
      expectLoginAnswer(answer, 'GET /api/login');
      expectContract(client.cookies.size === 1, `GET /api/login set ${client.cookies.size} cookies, not one`);
    },
  },
  {
    name: 'GET /api/callback of a login this browser never started: 400 login_transaction_not_found',
    async run(target) {
      const started = new ContractClient(target.url);
      const page = await pageLoginVerifier();
      const { login_url } = expectLoginAnswer(
        await started.get(API_ROUTES.login, { headers: page.loginHeaders }),
        'GET /api/login',
      );
      const query = await target.authorize(login_url);
      const other = new ContractClient(target.url);
      const answer = await other.get(`${API_ROUTES.callback}?${query}`, { headers: page.callbackHeaders });
      expectError(answer, 'login_transaction_not_found', 'a callback from another browser');
    },
  },
  {
    name: 'a sign-in: 200 {access_token, token_type, expires_in, user, return_to}, no-store, a refresh cookie',
    async run(target) {
      const { client, callback } = await signIn(target, '/inbox?tab=2');
      expectContract(
        (callback.body as { return_to?: unknown }).return_to === '/inbox?tab=2',
        'the callback answer does not return to the path the login asked for',
      );
      expectContract(
        client.cookies.size === 1,
        `after the callback the browser keeps ${client.cookies.size} cookies`,
      );
    },
  },
  {
    name: 'GET /api/callback replayed: 400 login_transaction_used',
    async run(target) {
      const { client, callbackQuery, callbackHeaders } = await signIn(target);
      const answer = await client.get(`${API_ROUTES.callback}?${callbackQuery}`, {
        headers: callbackHeaders,
      });
      expectError(answer, 'login_transaction_used', 'a replayed callback');
    },
  },
  {
    name: 'GET /api/me without a bearer: 401 invalid_token with a Bearer challenge',
    async run(target) {
      const answer = await new ContractClient(target.url).get(API_ROUTES.me);
      expectError(answer, 'invalid_token', 'GET /api/me without a bearer');
    },
  },
  {
    name: 'GET /api/me with a malformed bearer: 401 invalid_token',
    async run(target) {
      const answer = await new ContractClient(target.url).get(API_ROUTES.me, { bearer: 'not.a-token' });
      expectError(answer, 'invalid_token', 'GET /api/me with a malformed bearer');
    },
  },
  {
    name: 'GET /api/me with the token: 200 the user (without email_verified)',
    async run(target) {
      const { client, token, callback } = await signIn(target);
      const answer = await client.get(API_ROUTES.me, { bearer: token });
      expectStatus(answer, 200, 'GET /api/me');
      expectUser(answer.body, 'GET /api/me', true);
      const signedIn = (callback.body as { user: { sub: string } }).user.sub;
      expectContract(answer.body.sub === signedIn, 'GET /api/me names another user than the callback');
    },
  },
  {
    name: 'POST /api/refresh without a cookie: 204 and no body',
    async run(target) {
      const answer = await new ContractClient(target.url).post(API_ROUTES.refresh);
      expectStatus(answer, 204, 'POST /api/refresh without a cookie');
      expectContract(answer.text === '', 'a 204 with a body');
    },
  },
  {
    name: 'POST /api/refresh with the cookie: 200 a new token, the cookie rotated',
    async run(target) {
      const { client, token } = await signIn(target);
      const before = [...client.cookies.values()].join();
      const answer = await client.post(API_ROUTES.refresh);
      const refreshed = expectTokenAnswer(answer, 'POST /api/refresh');
      expectContract(refreshed.access_token !== token, 'the refresh answered the same token');
      expectContract([...client.cookies.values()].join() !== before, 'the refresh cookie was not rotated');
    },
  },
  {
    name: 'POST /api/refresh with a cookie whose successor was used: 401 refresh_token_reused, and the session ends',
    async run(target) {
      const { client, token } = await signIn(target);
      const spent = new Map(client.cookies);
      expectTokenAnswer(await client.post(API_ROUTES.refresh), 'POST /api/refresh');
      // Its successor used too: past any grace for a retried lost answer (REFRESH_GRACE), the first is reuse.
      expectTokenAnswer(await client.post(API_ROUTES.refresh), 'POST /api/refresh again');
      const thief = new ContractClient(target.url);
      for (const [name, value] of spent) thief.cookies.set(name, value);
      expectError(await thief.post(API_ROUTES.refresh), 'refresh_token_reused', 'a spent refresh cookie');
      expectError(
        await client.get(API_ROUTES.me, { bearer: token }),
        'session_revoked',
        "the session's token",
      );
    },
  },
  {
    name: 'POST /api/logout: 200 {logout_url}, and the token is refused from then on',
    async run(target) {
      const { client, token } = await signIn(target);
      expectLogoutAnswer(await client.post(API_ROUTES.logout), 'POST /api/logout');
      expectError(
        await client.get(API_ROUTES.me, { bearer: token }),
        'session_revoked',
        'the token after logout',
      );
      const refresh = await client.post(API_ROUTES.refresh);
      expectStatus(refresh, 204, 'POST /api/refresh after logout (the cookie cleared)');
    },
  },
  {
    name: 'an unknown /api/ route with a valid bearer: 404 not_found',
    async run(target) {
      const { client, token } = await signIn(target);
      expectError(await client.get('/api/no-such-route', { bearer: token }), 'not_found', 'an unknown route');
    },
  },
];
