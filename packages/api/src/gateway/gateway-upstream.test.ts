import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OidcProviderFixture, startOidcProvider } from '../testing/oidc-provider-fixture.js';
import { spaSignIn } from '../testing/spa-sign-in.js';
import { reservePublicUrl, startTestApi, type TestApi } from '../testing/test-api.js';

const SECRET = 'test-client-secret-value';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

// The proxy's own choices, each turned around by the gateway: what it would otherwise do to an upstream.
describe.each([
  ['an https upstream whose certificate no one signed', 'tls'],
  ['an upstream answering 503', 'unavailable'],
] as const)('the gateway in front of %s', (_name, kind) => {
  let op: OidcProviderFixture;
  let t: TestApi;
  let upstream: Server;
  let dir: string;
  let requests = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-gateway-'));
    const answer = (_request: unknown, response: import('node:http').ServerResponse) => {
      requests += 1;
      response.writeHead(kind === 'unavailable' ? 503 : 200, { 'retry-after': '0' }).end('{}');
    };
    if (kind === 'tls') {
      // A self-signed certificate for 127.0.0.1, made by openssl for this test only.
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:prime256v1',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      upstream = createHttpsServer(
        { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
        answer,
      );
    } else upstream = createHttpServer(answer);
    const port = await listen(upstream);
    const publicUrl = await reservePublicUrl();
    op = await startOidcProvider({ clientId: 'gatehouse-api', clientSecret: SECRET, publicUrl });
    t = await startTestApi({
      issuer: op.issuer,
      publicUrl,
      env: {
        RATE_LIMIT_PER_MINUTE: '0',
        UPSTREAM_URL: `${kind === 'tls' ? 'https' : 'http'}://127.0.0.1:${port}`,
        UPSTREAM_TIMEOUT_MS: '2000',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await op?.close();
    upstream?.closeAllConnections();
    await new Promise((resolve) => upstream?.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(
    kind === 'tls' ? 'refuses to forward: 502 upstream_unavailable' : 'forwards the 503 once, never retried',
    async () => {
      const { accessToken } = await spaSignIn(t, (loginUrl) =>
        op.signIn(loginUrl).then((back) => back.searchParams),
      );
      const response = await t.request('/api/items', { headers: { authorization: `Bearer ${accessToken}` } });
      if (kind === 'tls') {
        expect(response.status).toBe(502);
        expect(await response.json()).toMatchObject({ error: 'upstream_unavailable' });
        // The handshake failed: the upstream's handler never ran.
        expect(requests).toBe(0);
        expect(t.logs.text()).toMatch(/SELF_SIGNED|DEPTH_ZERO|UNABLE_TO_VERIFY|CERT/);
      } else {
        expect(response.status).toBe(503);
        expect(requests).toBe(1);
      }
    },
  );
});
