import {
  openRawConnection,
  type RawConnection,
  type RunningHaproxy,
  requestFrom,
  startHaproxy,
  waitUntil,
} from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiConfig } from '../config/load-api-config.js';
import { MisbehavingProvider } from '../testing/misbehaving-provider.js';
import { reservePublicUrl, startTestApi, type TestApi } from '../testing/test-api.js';

/** Requests per route and address a minute in these tests (RATE_LIMIT_PER_MINUTE). */
const LIMIT = 3;
/** A rate-limited route that answers at once (a 302 to the provider). */
const LIMITED = '/authorization-code/login';

// docs/security.md 37, behind a real haproxy (`option forwardfor`: it appends the address it saw): the API's rate
// limits count the client the proxy saw, never the proxy's own address (one bucket for the whole site), and never
// an address the client wrote. Clients are told apart by their source address (127.0.0.0/8 is all this machine).
describe('the API behind a reverse proxy', () => {
  let op: MisbehavingProvider;
  beforeAll(async () => {
    op = await MisbehavingProvider.start();
  });
  afterAll(async () => op?.close());

  /** Runs `run` with an API (`env` added) and, unless `proxied` is false, a haproxy in front of it. */
  async function withApi(
    env: Record<string, string>,
    run: (t: TestApi, front: string) => Promise<void>,
    options: { proxied?: boolean; configure?: (config: ApiConfig) => void } = {},
  ): Promise<void> {
    const t = await startTestApi({
      issuer: op.issuer,
      publicUrl: await reservePublicUrl(),
      env: { RATE_LIMIT_PER_MINUTE: String(LIMIT), ...env },
      ...(options.configure ? { configure: options.configure } : {}),
    });
    let proxy: RunningHaproxy | undefined;
    try {
      if (options.proxied !== false) {
        proxy = await startHaproxy({ backends: [{ host: '127.0.0.1', port: t.api.port }] });
      }
      await run(t, proxy?.url ?? `http://127.0.0.1:${t.api.port}`);
    } finally {
      await proxy?.close();
      await t.close();
    }
  }

  /** The statuses of `count` requests to the limited route from `from`, each with `forwardedFor(i)` if given. */
  async function statuses(
    front: string,
    from: string,
    count: number,
    forwardedFor?: (attempt: number) => string,
  ): Promise<number[]> {
    const seen: number[] = [];
    for (let attempt = 0; attempt < count; attempt++) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (forwardedFor) headers['x-forwarded-for'] = forwardedFor(attempt);
      seen.push((await requestFrom(`${front}${LIMITED}`, { localAddress: from, headers })).status);
    }
    return seen;
  }

  const spent = [302, 302, 302, 429];

  it('gives two clients behind the proxy a rate-limit bucket each, with API_TRUST_PROXY naming the proxy', async () => {
    await withApi({ API_TRUST_PROXY: '127.0.0.1' }, async (_t, front) => {
      expect(await statuses(front, '127.0.0.2', LIMIT + 1)).toEqual(spent);
      // Another client through the same proxy (the same TCP peer for the API) still has its whole budget.
      expect(await statuses(front, '127.0.0.3', LIMIT + 1)).toEqual(spent);
    });
  });

  it('does not let a client behind the proxy pick its bucket by writing X-Forwarded-For', async () => {
    await withApi({ API_TRUST_PROXY: 'true' }, async (_t, front) => {
      // A new forged address on every request: still one client, one bucket (the proxy's entry comes last).
      expect(await statuses(front, '127.0.0.4', LIMIT + 1, (i) => `198.51.100.${i + 1}`)).toEqual(spent);
      // Writing another client's address spends nothing of that client's budget.
      expect(await statuses(front, '127.0.0.6', LIMIT + 1, () => '127.0.0.5')).toEqual(spent);
      expect(await statuses(front, '127.0.0.5', 1)).toEqual([302]);
    });
  });

  it('ignores X-Forwarded-For without API_TRUST_PROXY: a client cannot leave its bucket', async () => {
    await withApi(
      {},
      async (_t, front) => {
        expect(await statuses(front, '127.0.0.7', LIMIT + 1, (i) => `198.51.100.${i + 1}`)).toEqual(spent);
      },
      { proxied: false },
    );
  });

  it('ignores X-Forwarded-For from a peer that is not the listed proxy (a client going around it)', async () => {
    await withApi(
      { API_TRUST_PROXY: '127.0.0.1' },
      async (_t, front) => {
        expect(await statuses(front, '127.0.0.8', LIMIT + 1, (i) => `198.51.100.${i + 1}`)).toEqual(spent);
      },
      { proxied: false },
    );
  });

  // docs/security.md 50 behind a proxy: every connection the API sees comes from the proxy. A per-address cap
  // counting them would turn the site's own users away past a few hundred requests in flight.
  it("does not cap the proxy's connections per address, while a client going around it is capped", async () => {
    const perAddress = 4;
    await withApi(
      { API_TRUST_PROXY: '127.0.0.1' },
      async (t, front) => {
        const port = Number(new URL(front).port);
        // Requests in flight: headers sent, the body still coming, so the proxy holds a connection to the API
        // for each. Twice the per-address cap, from as many clients.
        const slowPost = (from: string) =>
          openRawConnection(
            port,
            from,
            [
              'POST /api/backchannel-logout HTTP/1.1',
              'Host: localhost',
              'Content-Type: application/x-www-form-urlencoded',
              'Content-Length: 100',
              '',
              'logout_token=',
            ].join('\r\n'),
          );
        // The API's open connections, those its per-address cap let through.
        let open = 0;
        t.api.app.server.on('connection', (socket) => {
          if (socket.destroyed) return;
          open += 1;
          socket.once('close', () => {
            open -= 1;
          });
        });
        const refusals = () =>
          t.logs.lines.filter((line) => line.includes('API_MAX_CONNECTIONS_PER_ADDRESS'));
        const inFlight: RawConnection[] = [];
        const direct: RawConnection[] = [];
        try {
          for (let i = 0; i < 2 * perAddress; i++) inFlight.push(await slowPost(`127.0.0.${20 + i}`));
          expect(await waitUntil(() => open === 2 * perAddress)).toBe(true);
          expect(refusals()).toHaveLength(0);
          // None was answered: a connection the API closed would have been a 502 from haproxy.
          expect(inFlight.filter((client) => client.closed() || client.received() !== '')).toHaveLength(0);

          // Straight to the API from one address that is not the proxy: capped as ever.
          for (let i = 0; i < 2 * perAddress; i++) {
            direct.push(
              await openRawConnection(
                t.api.port,
                '127.0.0.9',
                'GET /healthz HTTP/1.1\r\nHost: localhost\r\n',
              ),
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
      {
        configure: (config) => {
          config.connections.perAddress = perAddress;
        },
      },
    );
  });
});
