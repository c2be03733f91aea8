import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FlowStep, User } from '../contract-types.js';

/** The user every successful callback signs in. */
export const TEST_USER: User = {
  sub: 'user-1',
  email: 'ada@example.test',
  email_verified: true,
  name: 'Ada',
};

/** The code the fake provider "issued"; any other code fails the exchange. */
export const GOOD_CODE = 'good-code';

interface SessionRecord {
  revoked: boolean;
}

/** Options of {@link startTestApiServer}. */
export interface TestApiServerOptions {
  /** Send `flow` arrays (the flow inspector on). Default: true. */
  flow?: boolean;
  /** `expires_in` of access tokens. Default: 300. */
  expiresIn?: number;
  /** How `/api/refresh` answers a request without a cookie: 401 (default) or 204. */
  noSessionStatus?: 401 | 204;
  /** Runs when `/api/callback` arrives, before it is answered (to look at the tab at that moment). */
  onCallback?: () => void;
}

/**
 * A loopback stand-in for the Gatehouse API that follows the HTTP contract, including what the SDK must
 * cope with: a rotating refresh cookie with strict reuse detection (a cookie used twice revokes the session,
 * RFC 9700 4.14.2), single-use login transactions, and access tokens revoked with their session.
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
  const transactions = new Map<string, { used: boolean; returnTo: string; challenge: string }>();
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
      cookie: `gh_refresh=${rt}; Path=/api; HttpOnly; Secure; SameSite=Strict`,
      body: { access_token: at, token_type: 'Bearer', expires_in: expiresIn, user: TEST_USER },
    };
  };

  const bearerValid = (request: IncomingMessage): boolean => {
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    const record = match?.[1] === undefined ? undefined : accessTokens.get(match[1]);
    return (
      record !== undefined && !rejectAll && !record.rejected && sessions.get(record.sid)?.revoked === false
    );
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
      const challenge = request.headers['gatehouse-login-challenge'];
      if (typeof challenge !== 'string' || !/^[\w-]{43}$/.test(challenge)) {
        send(response, 400, { error: 'invalid_request', error_description: 'No login challenge.' });
        return;
      }
      const state = token('state');
      transactions.set(state, { used: false, returnTo: url.searchParams.get('return_to') ?? '/', challenge });
      const loginUrl = `http://auth.test:4000/auth?client_id=gatehouse-api&state=${state}&nonce=n&code_challenge=c`;
      send(response, 200, {
        login_url: loginUrl,
        ...(flow
          ? { flow: [step(1, 'spa', 'api', 'GET /api/login'), step(2, 'api', 'spa', 'login_url')] }
          : {}),
      });
      return;
    }
    if (route === 'GET /api/callback') {
      options.onCallback?.();
      const state = url.searchParams.get('state') ?? '';
      const transaction = transactions.get(state);
      if (url.searchParams.has('error')) {
        if (transaction) transaction.used = true;
        send(response, 403, { error: 'access_denied', error_description: 'The sign-in was refused.' });
        return;
      }
      if (!transaction) {
        send(response, 400, { error: 'state_mismatch', error_description: 'No such login.' });
        return;
      }
      if (transaction.used) {
        send(response, 400, { error: 'login_transaction_used', error_description: 'Used.' });
        return;
      }
      transaction.used = true;
      const verifier = request.headers['gatehouse-login-verifier'];
      const proof =
        typeof verifier === 'string' ? createHash('sha256').update(verifier).digest('base64url') : undefined;
      if (proof !== transaction.challenge) {
        send(response, 400, { error: 'login_transaction_not_found', error_description: 'Not this page.' });
        return;
      }
      if (url.searchParams.get('code') !== GOOD_CODE) {
        send(response, 502, { error: 'provider_error', error_description: 'The provider refused the code.' });
        return;
      }
      const sid = token('sid');
      sessions.set(sid, { revoked: false });
      const minted = mint(sid);
      const steps = [7, 8, 9, 10].map((n) =>
        step(n, n === 10 ? 'api' : 'spa', n === 10 ? 'spa' : 'api', `step ${n}`),
      );
      send(
        response,
        200,
        { ...minted.body, return_to: transaction.returnTo, ...(flow ? { flow: steps } : {}) },
        { 'set-cookie': minted.cookie },
      );
      return;
    }
    if (route === 'POST /api/refresh') {
      if (refreshFails) {
        send(response, 503, { error: 'provider_unavailable', error_description: 'Down.' });
        return;
      }
      const rt = readCookie(request, 'gh_refresh');
      const record = rt === undefined ? undefined : refreshCookies.get(rt);
      if (rt === undefined && options.noSessionStatus === 204) {
        send(response, 204, undefined);
        return;
      }
      if (!record) {
        send(response, 401, { error: 'invalid_refresh_token', error_description: 'No cookie.' });
        return;
      }
      const session = sessions.get(record.sid);
      if (record.used) {
        // RFC 9700 4.14.2: a rotated refresh token presented again revokes the whole session.
        if (session) session.revoked = true;
        state.reuseDetected = true;
        send(response, 401, { error: 'refresh_token_reused', error_description: 'Reused.' });
        return;
      }
      record.used = true;
      if (!session || session.revoked) {
        send(response, 401, { error: 'session_revoked', error_description: 'Revoked.' });
        return;
      }
      const minted = mint(record.sid);
      send(response, 200, minted.body, { 'set-cookie': minted.cookie });
      return;
    }
    if (route === 'POST /api/logout') {
      const rt = readCookie(request, 'gh_refresh');
      const record = rt === undefined ? undefined : refreshCookies.get(rt);
      const session = record === undefined ? undefined : sessions.get(record.sid);
      if (session) session.revoked = true;
      send(
        response,
        200,
        { logout_url: 'http://auth.test:4000/session/end?client_id=gatehouse-api' },
        { 'set-cookie': 'gh_refresh=; Path=/api; Max-Age=0' },
      );
      return;
    }
    if (!bearerValid(request)) {
      send(
        response,
        401,
        { error: 'invalid_token', error_description: 'Bad token.' },
        { 'www-authenticate': 'Bearer error="invalid_token"' },
      );
      return;
    }
    if (route === 'GET /api/me') {
      send(response, 200, TEST_USER);
      return;
    }
    if (route === 'POST /api/echo') {
      send(response, 200, { received: body });
      return;
    }
    send(response, 404, { error: 'not_found', error_description: 'No such resource.' });
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
