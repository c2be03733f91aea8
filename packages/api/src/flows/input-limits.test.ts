import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MisbehavingProvider } from '../testing/misbehaving-provider.js';
import { reservePublicUrl, sameOriginJson, startTestApi, type TestApi } from '../testing/test-api.js';

// Unbounded writes and oversized bodies: what one authenticated (or not) caller can make the API store or read.
describe('input limits', () => {
  let op: MisbehavingProvider;
  let t: TestApi;

  beforeAll(async () => {
    op = await MisbehavingProvider.start();
    t = await startTestApi({
      issuer: op.issuer,
      publicUrl: await reservePublicUrl(),
      env: { RATE_LIMIT_PER_MINUTE: '0' },
    });
  });
  afterAll(async () => {
    await t?.close();
    await op?.close();
  });

  const oneMegabyte = JSON.stringify({ name: 'x', notes: 'n'.repeat(1024 * 1024) });

  it('answers a 1 MB JSON body 413 request_too_large, declared or streamed, on every POST route', async () => {
    const posts: [string, Record<string, string>, string][] = [
      ['/api/refresh', sameOriginJson(t.url), oneMegabyte],
      ['/api/logout', sameOriginJson(t.url), oneMegabyte],
      [
        '/api/backchannel-logout',
        { 'content-type': 'application/x-www-form-urlencoded' },
        `logout_token=${'x'.repeat(1024 * 1024)}`,
      ],
    ];
    for (const [path, headers, body] of posts) {
      const response = await t.request(path, { method: 'POST', headers, body });
      expect(response.status, path).toBe(413);
      expect(await response.json(), path).toMatchObject({ error: 'request_too_large' });
    }
    // Without a Content-Length (chunked): refused once the stream passes the limit.
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL('/api/refresh', t.url);
      const outgoing = httpRequest(
        {
          host: '127.0.0.1',
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: sameOriginJson(t.url),
        },
        (incoming) => {
          let body = '';
          incoming.on('data', (chunk: Buffer) => (body += chunk.toString()));
          incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body }));
        },
      );
      outgoing.on('error', reject);
      for (let i = 0; i < 16; i++) outgoing.write(oneMegabyte.slice(i * 65536, (i + 1) * 65536));
      outgoing.end();
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toMatchObject({ error: 'request_too_large' });
    // The caller's fault: a warning, not an error line.
    expect(t.logs.text()).not.toMatch(/"level":50[^\n]*request_too_large/);
  });
});
