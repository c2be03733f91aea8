import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  API_ERRORS,
  type ApiErrorCode,
  type FlowStep,
  LOGIN_CHALLENGE_HEADER,
  LOGIN_VERIFIER_HEADER,
  type MeAnswer,
  type User,
} from '@gatehouse/contract';

/** The user every successful callback signs in. */
export const TEST_USER: User = {
  sub: 'user-1',
  email: 'ada@example.test',
  email_verified: true,
  name: 'Ada',
  roles: ['editor'],
};

/** What `GET /api/me` answers for {@link TEST_USER}: the contract's `MeAnswer` (no `email_verified`). */
export const TEST_ME: MeAnswer = { sub: 'user-1', email: 'ada@example.test', name: 'Ada', roles: ['editor'] };

/** The API's cookie names, so that the double's cookies behave as the real ones do in a jar. */
const REFRESH_COOKIE = '__Host-gh_refresh';
const TRANSACTION_COOKIE_PREFIX = '__Host-gh_tx_';

/** The code the fake provider "issued"; any other code fails the exchange. */
export const GOOD_CODE = 'good-code';

interface SessionRecord {
  revoked: boolean;
}

/** An error answer as the contract has it: the code's status, `{error, error_description}`. */
function refuse(response: ServerResponse, code: ApiErrorCode, description: string): void {
  const headers: Record<string, string> =
    API_ERRORS[code].status === 401 ? { 'www-authenticate': `Bearer error="invalid_token"` } : {};
  send(response, API_ERRORS[code].status, { error: code, error_description: description }, headers);
}

/** Options of {@link startTestApiServer}. */
export interface TestApiServerOptions {
  /** Send `flow` arrays (the flow inspector on). Default: true. */
  flow?: boolean;
  /** `expires_in` of access tokens. Default: 300. */
  expiresIn?: number;
  /** Runs when `/api/callback` arrives, before it is answered (to look at the tab at that moment). */
  onCallback?: () => void;
}

/**
 * A loopback stand-in for the Gatehouse API that follows the HTTP contract of `@gatehouse/contract` (its
 * `CONTRACT_CASES` run against this double and the real API alike), including what the SDK must cope with: a
 * rotating refresh cookie with strict reuse detection (a cookie used twice revokes the session, RFC 9700
 * 4.14.2), single-use login transactions bound to a cookie and to the page's login verifier, and access tokens
 * revoked with their session.
 */
export interface TestApiServer {
  url: string;
  /** Counts of requests per route (`POST /api/refresh`, …). */
  calls: Map<string, number>;
  /** Every request's method, path and query, in order. */
  requests: string[];
  /** The headers of every request, in the same order as `requests`. */
  requestHeaders: IncomingMessage['headers'][];
  /** Every access token ever issued. */
  issuedTokens: string[];
  /** Every refresh cookie value ever issued. */
  issuedRefreshCookies: string[];
  /** Whether a refresh cookie reuse was detected (the session was revoked for it). */
  reuseDetected: boolean;
  /** Makes the API refuse every access token issued so far (as if they expired), keeping the session. */
  rejectIssuedTokens(): void;
  /** Makes the API refuse every access token, old and new, until called with false. */
  rejectBearers(reject: boolean): void;
  /** Revokes every session (as a back-channel logout would). */
  revokeSessions(): void;
  /** Makes every refresh answer 503 until called with false. */
  failRefresh(fail: boolean): void;
  close(): Promise<void>;
}

/** The login-transaction cookie of one state, named as the real API names it. */
function transactionCookie(state: string): string {
  return `${TRANSACTION_COOKIE_PREFIX}${createHash('sha256').update(state).digest('base64url').slice(0, 16)}`;
}

function token(prefix: string): string {
  return `${prefix}-${randomBytes(12).toString('base64url')}`;
}

function readCookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  response.end(body === undefined ? undefined : JSON.stringify(body));
}

function step(n: number, from: FlowStep['from'], to: FlowStep['to'], label: string): FlowStep {
  return {
    step: n,
    from,
    to,
    label,
    started_at: Date.now(),
    duration_ms: 1,
    status: 'ok',
    detail: `${label} •••`,
  };
}

/** Starts the test API on 127.0.0.1 with an ephemeral port. */
export async function startTestApiServer(options: TestApiServerOptions = {}): Promise<TestApiServer> {
  const flow = options.flow ?? true;
  const expiresIn = options.expiresIn ?? 300;
  const transactions = new Map<
    string,
    { used: boolean; returnTo: string; challenge: string; cookie: string }
  >();
  const sessions = new Map<string, SessionRecord>();
  const refreshCookies = new Map<string, { sid: string; used: boolean }>();
  const accessTokens = new Map<string, { sid: string; rejected: boolean }>();
  let refreshFails = false;
  let rejectAll = false;

  const count = (key: string): void => {
    state.calls.set(key, (state.calls.get(key) ?? 0) + 1);
  };

  const mint = (sid: string): { cookie: string; body: Record<string, unknown> } => {
    const rt = token('rt');
    refreshCookies.set(rt, { sid, used: false });
    state.issuedRefreshCookies.push(rt);
    const at = token('at');
    accessTokens.set(at, { sid, rejected: false });
    state.issuedTokens.push(at);
    return {
      cookie: `${REFRESH_COOKIE}=${rt}; Path=/; HttpOnly; Secure; SameSite=Strict`,
      body: { access_token: at, token_type: 'Bearer', expires_in: expiresIn, user: TEST_USER },
    };
  };

  /** Why a bearer is refused (as the real API words it), or `undefined` when it is valid. */
  const bearerRefusal = (request: IncomingMessage): ApiErrorCode | undefined => {
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    const record = match?.[1] === undefined ? undefined : accessTokens.get(match[1]);
    if (record === undefined || rejectAll || record.rejected) return 'invalid_token';
    return sessions.get(record.sid)?.revoked === false ? undefined : 'session_revoked';
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const route = `${request.method} ${url.pathname}`;
    count(route);
    state.requests.push(`${request.method} ${url.pathname}${url.search}`);
    state.requestHeaders.push(request.headers);
    let body = '';
    for await (const chunk of request) body += String(chunk);

    if (route === 'GET /api/login') {
      // docs/security.md 51: as the API, a login needs the page's login challenge.
      const challenge = request.headers[LOGIN_CHALLENGE_HEADER];
      if (typeof challenge !== 'string' || !/^[\w-]{43}$/.test(challenge)) {
        refuse(response, 'invalid_request', 'No login challenge.');
        return;
      }
      const state = token('state');
      const binding = token('tx');
      const returnTo = url.searchParams.get('return_to') ?? '/';
      transactions.set(state, { used: false, returnTo, challenge, cookie: binding });
      const loginUrl = `http://auth.test:4000/auth?client_id=gatehouse-api&state=${state}&nonce=n&code_challenge=c`;
      send(
        response,
        200,
        {
          login_url: loginUrl,
          ...(flow
            ? { flow: [step(1, 'spa', 'api', 'GET /api/login'), step(2, 'api', 'spa', 'login_url')] }
            : {}),
        },
        {
          'set-cookie': `${transactionCookie(state)}=${binding}; Max-Age=600; Path=/; HttpOnly; Secure; SameSite=Strict`,
        },
      );
      return;
    }
    if (route === 'GET /api/callback') {
      options.onCallback?.();
      const state = url.searchParams.get('state') ?? '';
      const transaction = transactions.get(state);
      // As the real API: the transaction is spent first, its cookie cleared whatever the outcome.
      const clear = { 'set-cookie': `${transactionCookie(state)}=; Max-Age=0; Path=/; HttpOnly; Secure` };
      const sentCookies = (request.headers.cookie ?? '').split(';').map((part) => part.trim());
      if (!transaction) {
        const anyTransaction = sentCookies.some((cookie) => cookie.startsWith(TRANSACTION_COOKIE_PREFIX));
        refuse(response, anyTransaction ? 'state_mismatch' : 'login_transaction_not_found', 'No such login.');
        return;
      }
      if (transaction.used) {
        refuse(response, 'login_transaction_used', 'Used.');
        return;
      }
      transaction.used = true;
      if (readCookie(request, transactionCookie(state)) !== transaction.cookie) {
        send(
          response,
          400,
          { error: 'login_transaction_not_found', error_description: 'Not this browser.' },
          clear,
        );
        return;
      }
      const verifier = request.headers[LOGIN_VERIFIER_HEADER];
      const proof =
        typeof verifier === 'string' ? createHash('sha256').update(verifier).digest('base64url') : undefined;
      if (proof !== transaction.challenge) {
        send(
          response,
          400,
          { error: 'login_transaction_not_found', error_description: 'Not this page.' },
          clear,
        );
        return;
      }
      if (url.searchParams.has('error')) {
        send(response, 403, { error: 'access_denied', error_description: 'The sign-in was refused.' }, clear);
        return;
      }
      if (url.searchParams.get('code') !== GOOD_CODE) {
        send(
          response,
          502,
          { error: 'provider_error', error_description: 'The provider refused the code.' },
          clear,
        );
        return;
      }
      const sid = token('sid');
      sessions.set(sid, { revoked: false });
      const minted = mint(sid);
      const steps = [7, 8, 9, 10].map((n) =>
        step(n, n === 10 ? 'api' : 'spa', n === 10 ? 'spa' : 'api', `step ${n}`),
      );
      response.setHeader('set-cookie', [clear['set-cookie'], minted.cookie]);
      send(response, 200, {
        ...minted.body,
        return_to: transaction.returnTo,
        ...(flow ? { flow: steps } : {}),
      });
      return;
    }
    if (route === 'POST /api/refresh') {
      if (refreshFails) {
        refuse(response, 'provider_unavailable', 'Down.');
        return;
      }
      const rt = readCookie(request, REFRESH_COOKIE);
      const record = rt === undefined ? undefined : refreshCookies.get(rt);
      // No cookie at all is the ordinary signed-out page load: 204, as the real API answers it.
      if (rt === undefined || rt === '') {
        send(response, 204, undefined);
        return;
      }
      if (!record) {
        refuse(response, 'invalid_refresh_token', 'Unknown cookie.');
        return;
      }
      const session = sessions.get(record.sid);
      if (record.used) {
        // RFC 9700 4.14.2: a rotated refresh token presented again revokes the whole session.
        if (session) session.revoked = true;
        state.reuseDetected = true;
        refuse(response, 'refresh_token_reused', 'Reused.');
        return;
      }
      record.used = true;
      if (!session || session.revoked) {
        refuse(response, 'session_revoked', 'Revoked.');
        return;
      }
      const minted = mint(record.sid);
      send(response, 200, minted.body, { 'set-cookie': minted.cookie });
      return;
    }
    if (route === 'POST /api/logout') {
      const rt = readCookie(request, REFRESH_COOKIE);
      const record = rt === undefined ? undefined : refreshCookies.get(rt);
      const session = record === undefined ? undefined : sessions.get(record.sid);
      if (session) session.revoked = true;
      send(
        response,
        200,
        { logout_url: 'http://auth.test:4000/session/end?client_id=gatehouse-api' },
        { 'set-cookie': `${REFRESH_COOKIE}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Strict` },
      );
      return;
    }
    const refused = bearerRefusal(request);
    if (refused !== undefined) {
      refuse(response, refused, refused === 'session_revoked' ? 'The session was ended.' : 'Bad token.');
      return;
    }
    if (route === 'GET /api/me') {
      send(response, 200, TEST_ME);
      return;
    }
    if (route === 'POST /api/echo') {
      send(response, 200, { received: body });
      return;
    }
    refuse(response, 'not_found', 'No such resource.');
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => send(response, 500, { error: 'internal_error' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const state: TestApiServer = {
    url: `http://127.0.0.1:${port}`,
    calls: new Map(),
    requests: [],
    requestHeaders: [],
    issuedTokens: [],
    issuedRefreshCookies: [],
    reuseDetected: false,
    rejectIssuedTokens() {
      for (const record of accessTokens.values()) record.rejected = true;
    },
    rejectBearers(reject) {
      rejectAll = reject;
    },
    revokeSessions() {
      for (const session of sessions.values()) session.revoked = true;
    },
    failRefresh(fail) {
      refreshFails = fail;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return state;
}
