import { createLogger } from '@gatehouse/common';
import {
  fetchFrom,
  freePort,
  openRawConnection,
  type RawConnection,
  type RunningHaproxy,
  requestFrom,
  startHaproxy,
  waitUntil,
} from '@gatehouse/common/testing';
import { describe, expect, it } from 'vitest';
import { TestBrowser } from '../testing/browser.js';
import { authorizeUrl, pkcePair, startLogin } from '../testing/sign-in.js';
import { startTestAuthServer, type TestAuthServer } from '../testing/test-auth-server.js';

/** Authorization requests per address a minute in these tests (RATE_LIMIT_PER_MINUTE). */
const LIMIT = 3;
/** LIMIT authorization requests answered (303 to the sign-in page), then refused. */
const SPENT = [303, 303, 303, 429];

/** An auth server whose issuer is a haproxy in front of it, or (`proxied: false`) the server itself. */
interface Stack {
  readonly auth: TestAuthServer;
  /** Where clients go: the proxy, or the server. */
  readonly front: string;
  /** The server's own port, for a client that goes around the proxy. */
  readonly port: number;
  readonly logs: string[];
}

// docs/security.md 37 at the auth server, behind a real haproxy (`option forwardfor`: it appends the address it
// saw): its per-address throttles (authorization requests, sign-in failures) count the client the proxy saw,
// never the proxy's own address (one bucket for everyone) and never an address the client wrote. Clients are told
// apart by their source address (127.0.0.0/8 is all this machine).
describe('the auth server behind a reverse proxy', () => {
  const now = 1_800_000_000_000;

  async function withStack(
    env: Record<string, string>,
    run: (stack: Stack) => Promise<void>,
    options: { proxied?: boolean } = {},
  ): Promise<void> {
    const port = await freePort();
    let proxy: RunningHaproxy | undefined;
    let auth: TestAuthServer | undefined;
    const logs: string[] = [];
    try {
      if (options.proxied !== false) {
        proxy = await startHaproxy({ backends: [{ host: '127.0.0.1', port }] });
      }
      auth = await startTestAuthServer({
        nowMs: () => now,
        logger: createLogger({ name: 'test', level: 'warn' }, { write: (line: string) => logs.push(line) }),
        env: {
          AUTH_PORT: String(port),
          RATE_LIMIT_PER_MINUTE: String(LIMIT),
          ...(proxy ? { AUTH_ISSUER: proxy.url } : {}),
          ...env,
        },
      });
      await run({ auth, front: proxy?.url ?? `http://127.0.0.1:${port}`, port, logs });
    } finally {
      await proxy?.close();
      await auth?.close();
    }
  }

  /** The statuses of `count` authorization requests sent to `target` from `from`, with `forwardedFor(i)` if given. */
  async function authorizations(
    stack: Stack,
    from: string,
    count: number,
    options: { forwardedFor?: (attempt: number) => string; target?: string } = {},
  ): Promise<number[]> {
    const seen: number[] = [];
    const issuerHost = new URL(stack.auth.issuer).host;
    for (let attempt = 0; attempt < count; attempt++) {
      const url = new URL(authorizeUrl(stack.auth.issuer, 'first-party', pkcePair().challenge));
      const target = new URL(`${url.pathname}${url.search}`, options.target ?? stack.front);
      const headers: Record<string, string> = { accept: 'text/html', host: issuerHost };
      if (options.forwardedFor) headers['x-forwarded-for'] = options.forwardedFor(attempt);
      seen.push((await requestFrom(target.href, { localAddress: from, headers })).status);
    }
    return seen;
  }

  it('gives two clients behind the proxy an authorization budget each, with AUTH_TRUST_PROXY naming the proxy', async () => {
    await withStack({ AUTH_TRUST_PROXY: '127.0.0.1' }, async (stack) => {
      expect(await authorizations(stack, '127.0.0.2', LIMIT + 1)).toEqual(SPENT);
      // Another client through the same proxy (the same TCP peer for the server) still has its whole budget.
      expect(await authorizations(stack, '127.0.0.3', LIMIT + 1)).toEqual(SPENT);
    });
  });

  it('does not let a client behind the proxy pick its bucket by writing X-Forwarded-For', async () => {
    await withStack({ AUTH_TRUST_PROXY: 'true' }, async (stack) => {
      const forged = (attempt: number) => `198.51.100.${attempt + 1}`;
      expect(await authorizations(stack, '127.0.0.4', LIMIT + 1, { forwardedFor: forged })).toEqual(SPENT);
      // Writing another client's address spends nothing of that client's budget.
      const other = () => '127.0.0.5';
      expect(await authorizations(stack, '127.0.0.6', LIMIT + 1, { forwardedFor: other })).toEqual(SPENT);
      expect(await authorizations(stack, '127.0.0.5', 1)).toEqual([303]);
    });
  });

  it('counts sign-in failures per client behind the proxy, never per proxy nor per forged address', async () => {
    await withStack({ AUTH_TRUST_PROXY: '127.0.0.1', RATE_LIMIT_PER_MINUTE: '0' }, async (stack) => {
      const guess = async (from: string, attempt: number) => {
        const browser = new TestBrowser(fetchFrom(from));
        const { action } = await startLogin(browser, stack.auth.issuer);
        const response = await browser.post(
          action,
          { username: 'bob', password: `wrong guess ${attempt}` },
          { 'x-forwarded-for': `10.0.${attempt}.1` },
        );
        expect(response.status).toBe(303);
        const location = String(response.headers.get('location'));
        return new URL(location, stack.auth.issuer).searchParams.get('error');
      };
      const first: (string | null)[] = [];
      for (let attempt = 0; attempt < 5; attempt++) first.push(await guess('127.0.0.2', attempt));
      // Account+address: 3 free failures, the 4th is checked, then a wait (THROTTLE_POLICY.pair).
      expect(first).toEqual(['credentials', 'credentials', 'credentials', 'credentials', 'throttled']);
      // Another client through the same proxy is not held by the first one's failures on the same account.
      expect(await guess('127.0.0.3', 0)).toBe('credentials');
    });
  });

  it('ignores X-Forwarded-For without AUTH_TRUST_PROXY: a client cannot leave its bucket', async () => {
    await withStack(
      {},
      async (stack) => {
        const forged = (attempt: number) => `198.51.100.${attempt + 1}`;
        expect(await authorizations(stack, '127.0.0.7', LIMIT + 1, { forwardedFor: forged })).toEqual(SPENT);
      },
      { proxied: false },
    );
  });

  it('ignores X-Forwarded-For from a peer that is not the listed proxy (a client going around it)', async () => {
    await withStack({ AUTH_TRUST_PROXY: '127.0.0.1' }, async (stack) => {
      const forged = (attempt: number) => `198.51.100.${attempt + 1}`;
      const around = `http://127.0.0.1:${stack.port}`;
      expect(
        await authorizations(stack, '127.0.0.8', LIMIT + 1, { forwardedFor: forged, target: around }),
      ).toEqual(SPENT);
    });
  });

  // docs/security.md 52 with a listed proxy: the proxy decides which host names reach the server, but a client
  // going around it is held to the issuer's host, as with no proxy at all.
  it('refuses a foreign Host from a client going around the listed proxy, and not from the proxy', async () => {
    await withStack({ AUTH_TRUST_PROXY: '127.0.0.1' }, async (stack) => {
      const discovery = '/.well-known/openid-configuration';
      const headers = { host: 'evil.example', accept: 'application/json' };
      const around = await requestFrom(`http://127.0.0.1:${stack.port}${discovery}`, {
        localAddress: '127.0.0.8',
        headers,
      });
      expect(around.status).toBe(421);
      const proxied = await requestFrom(`${stack.front}${discovery}`, { localAddress: '127.0.0.8', headers });
      expect(proxied.status).toBe(200);
      // Served under the issuer's name only, whatever Host came through (docs/security.md 52).
      expect(JSON.parse(proxied.body).token_endpoint).toBe(`${stack.auth.issuer}/token`);
    });
  });

  // docs/security.md 50 behind a proxy: every connection the server sees comes from the proxy. A per-address cap
  // counting them would turn the site's own users away past a few hundred requests in flight.
  it("does not cap the proxy's connections per address, while a client going around it is capped", async () => {
    const perAddress = 4;
    await withStack(
      { AUTH_TRUST_PROXY: '127.0.0.1', AUTH_MAX_CONNECTIONS_PER_ADDRESS: String(perAddress) },
      async (stack) => {
        const frontPort = Number(new URL(stack.front).port);
        const host = new URL(stack.auth.issuer).host;
        // Requests in flight: headers sent, the body still coming, so the proxy holds a connection to the server
        // for each. Twice the per-address cap, from as many clients.
        const slowPost = (from: string) =>
          openRawConnection(
            frontPort,
            from,
            [
              'POST /token HTTP/1.1',
              `Host: ${host}`,
              'Content-Type: application/x-www-form-urlencoded',
              'Content-Length: 100',
              '',
              'grant_type=',
            ].join('\r\n'),
          );
        // The server's open connections, those its per-address cap let through.
        let open = 0;
        for (const server of stack.auth.server.servers) {
          server.on('connection', (socket) => {
            if (socket.destroyed) return;
            open += 1;
            socket.once('close', () => {
              open -= 1;
            });
          });
        }
        const refusals = () => stack.logs.filter((line) => line.includes('AUTH_MAX_CONNECTIONS_PER_ADDRESS'));
        const inFlight: RawConnection[] = [];
        const direct: RawConnection[] = [];
        try {
          for (let i = 0; i < 2 * perAddress; i++) inFlight.push(await slowPost(`127.0.0.${20 + i}`));
          expect(await waitUntil(() => open === 2 * perAddress)).toBe(true);
          expect(refusals()).toHaveLength(0);
          // None was answered: a connection the server closed would have been a 502 from haproxy.
          expect(inFlight.filter((client) => client.closed() || client.received() !== '')).toHaveLength(0);

          // Straight to the server from one address that is not the proxy: capped as ever.
          for (let i = 0; i < 2 * perAddress; i++) {
            direct.push(
              await openRawConnection(stack.port, '127.0.0.9', `GET /healthz HTTP/1.1\r\nHost: ${host}\r\n`),
            );
          }
          expect(
            await waitUntil(() => direct.filter((client) => client.closed()).length === perAddress),
          ).toBe(true);
          expect(refusals()).toHaveLength(1);
          expect(refusals()[0]).toContain('"address":"127.0.0.9"');
        } finally {
          for (const client of [...inFlight, ...direct]) client.socket.destroy();
        }
      },
    );
  });
});
