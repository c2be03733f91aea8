import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRawConnection, waitUntil } from '@gatehouse/common/testing';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser.js';
import { startTestGatehouse, type TestGatehouse } from './support/gatehouse.js';
import { type PythonUpstream, startPythonUpstream } from './support/python-upstream.js';

/** What the Python upstream echoes. */
interface Echo {
  method: string;
  path: string;
  headers: [string, string][];
  bodyLength: number;
  bodySha256: string;
  body: string | null;
}

interface RawAnswer {
  status: number;
  head: string;
  body: string;
}

const ADA = {
  username: 'ada',
  password: 'a long passphrase of ada',
  email: 'ada@example.test',
  name: 'Ada L',
};
const BODY_LIMIT = 6 * 1024 * 1024;

// docs/security.md 34 and 35, with `npm start`'s stack (the embedded auth server, the API with
// UPSTREAM_URL) in front of an upstream written in Python, as a team's API in any language would be.
describe('the gateway in front of a Python upstream', () => {
  let upstream: PythonUpstream;
  let gatehouse: TestGatehouse;
  let browser: Browser;
  let spaDir: string;
  let port: number;
  let token: string;
  const contexts: BrowserContext[] = [];

  /** Signs ada in through the simple flow in a fresh context; the refresh cookie buys the API's token. */
  async function signIn(): Promise<{ token: string; context: BrowserContext }> {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${gatehouse.url}/authorization-code/login`);
    await page.getByLabel('Username').fill(ADA.username);
    await page.getByLabel('Password').fill(ADA.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((url) => url.origin === gatehouse.url && url.pathname === '/');
    const answer = await page.evaluate(async () => {
      const response = await fetch('/api/refresh', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return (await response.json()) as { access_token: string };
    });
    return { token: answer.access_token, context };
  }

  /** One request written byte for byte (no client normalizes its target), read until the server closes. */
  async function raw(lines: string[], body = ''): Promise<RawAnswer> {
    const text = `${[...lines, `Host: localhost:${port}`, 'Connection: close'].join('\r\n')}\r\n\r\n${body}`;
    const connection = await openRawConnection(port, '127.0.0.1', text);
    if (!(await waitUntil(() => connection.closed(), 20_000))) throw new Error('no answer');
    const received = connection.received();
    const split = received.indexOf('\r\n\r\n');
    const head = received.slice(0, split);
    let rest = received.slice(split + 4);
    if (/^transfer-encoding: chunked/im.test(head)) {
      let decoded = '';
      for (let size = Number.parseInt(rest, 16); size > 0; size = Number.parseInt(rest, 16)) {
        const start = rest.indexOf('\r\n') + 2;
        decoded += rest.slice(start, start + size);
        rest = rest.slice(start + size + 2);
      }
      rest = decoded;
    }
    return { status: Number(head.split(' ')[1]), head, body: rest };
  }

  const bearer = () => `Authorization: Bearer ${token}`;
  const header = (echo: Echo, name: string) =>
    echo.headers.filter(([key]) => key.toLowerCase() === name).map(([, value]) => value);

  beforeAll(async () => {
    upstream = await startPythonUpstream();
    // A team's own SPA (SPA_DIR) is still served with the gateway on: only /api/ goes to the upstream.
    spaDir = mkdtempSync(join(tmpdir(), 'gatehouse-gateway-spa-'));
    writeFileSync(join(spaDir, 'index.html'), '<!doctype html><title>Team app</title><p>Team app</p>');
    gatehouse = await startTestGatehouse([ADA], {
      UPSTREAM_URL: upstream.url,
      UPSTREAM_TIMEOUT_MS: '1000',
      UPSTREAM_BODY_LIMIT: String(BODY_LIMIT),
      SPA_DIR: spaDir,
    });
    port = Number(new URL(gatehouse.url).port);
    await gatehouse.cli(['users', 'roles', 'ada', '--add', 'admin', '--add', 'billing']);
    browser = await launchBrowser();
    ({ token } = await signIn());
  }, 120_000);

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await gatehouse?.close();
    await upstream?.stop();
    if (spaDir) rmSync(spaDir, { recursive: true, force: true });
  });

  it('forwards method, path, query, headers and body with the verified identity, and nothing a client claims', async () => {
    const body = JSON.stringify({ hello: 'world' });
    const answer = await raw(
      [
        'POST /api/items?x=1&x=2&y=%2F HTTP/1.1',
        bearer(),
        'X-Gatehouse-Sub: admin',
        'x-gatehouse-sub: root',
        'X-GATEHOUSE-ROLES: superuser',
        'X_Gatehouse_Email: mallory@example.test',
        'X-Gatehouse-Anything: planted',
        'X-Request-Id: r-1',
        'X-Forwarded-For: 203.0.113.66',
        'X-Forwarded-Host: evil.example',
        'Forwarded: for=203.0.113.66;proto=https',
        'X-Real-IP: 203.0.113.66',
        'Cookie: theirs=1; __Host-gh_refresh=stolen; __Host-gh_tx_0123456789abcdef=tx; other=2',
        'Content-Type: application/json',
        `Content-Length: ${body.length}`,
      ],
      body,
    );
    expect(answer.status).toBe(200);
    const echo = JSON.parse(answer.body) as Echo;
    expect(echo).toMatchObject({ method: 'POST', path: '/api/items?x=1&x=2&y=%2F', body });
    const gatehouseHeaders = echo.headers.filter(([name]) =>
      name.toLowerCase().replaceAll('_', '-').startsWith('x-gatehouse-'),
    );
    const sub = header(echo, 'x-gatehouse-sub');
    expect(sub).toHaveLength(1);
    expect(gatehouseHeaders.map(([name, value]) => [name.toLowerCase(), value]).sort()).toEqual(
      [
        ['x-gatehouse-sub', sub[0]],
        ['x-gatehouse-email', 'ada@example.test'],
        ['x-gatehouse-name', 'Ada%20L'],
        ['x-gatehouse-roles', 'admin,billing'],
      ].sort(),
    );
    expect(sub[0]).not.toMatch(/admin|root/);
    expect(header(echo, 'authorization')).toEqual([`Bearer ${token}`]);
    expect(header(echo, 'cookie')).toEqual(['theirs=1; other=2']);
    expect(header(echo, 'x-request-id')).toEqual(['r-1']);
    expect(header(echo, 'content-type')).toEqual(['application/json']);
    // Where the request came from, as Gatehouse knows it (no API_TRUST_PROXY here: the socket's address).
    expect(header(echo, 'x-forwarded-for')).toEqual(['127.0.0.1']);
    expect(header(echo, 'x-forwarded-host')).toEqual([`localhost:${port}`]);
    expect(header(echo, 'x-forwarded-proto')).toEqual(['http']);
    expect([...header(echo, 'forwarded'), ...header(echo, 'x-real-ip')]).toEqual([]);
  });

  it('refuses without a valid, unrevoked token, and the upstream sees nothing', async () => {
    const { token: doomed, context } = await signIn();
    const before = upstream.requests();
    const noToken = await raw(['GET /api/items HTTP/1.1']);
    const forged = await raw(
      ['POST /api/items HTTP/1.1', 'Authorization: Bearer forged', 'Content-Length: 2'],
      '{}',
    );
    expect((await raw(['GET /api/items HTTP/1.1', `Authorization: Bearer ${doomed}`])).status).toBe(200);
    const page = context.pages()[0];
    const logout = await page?.evaluate(async () => {
      const response = await fetch('/api/logout', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return response.status;
    });
    expect(logout).toBe(200);
    const revoked = await raw(['GET /api/items HTTP/1.1', `Authorization: Bearer ${doomed}`]);
    for (const refused of [noToken, forged, revoked]) {
      expect(refused.status).toBe(401);
      expect(refused.head).toMatch(/^www-authenticate: Bearer error="invalid_token"/im);
    }
    expect(JSON.parse(revoked.body)).toMatchObject({ error: 'session_revoked' });
    // Only the one request made with the live token reached it.
    expect(upstream.requests()).toBe(before + 1);
  });

  it("never forwards Gatehouse's own routes, with any method or spelling", async () => {
    const before = upstream.requests();
    const me = await raw(['GET /api/me HTTP/1.1', bearer()]);
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body)).toMatchObject({ email: 'ada@example.test', roles: ['admin', 'billing'] });
    const climbed = await raw(['GET /api/x/%2e%2e/me HTTP/1.1', bearer()]);
    expect(JSON.parse(climbed.body)).toEqual(JSON.parse(me.body));
    expect((await raw(['GET /%61pi/me HTTP/1.1', bearer()])).body).toBe(me.body);
    for (const line of [
      'POST /api/me HTTP/1.1',
      'PUT /api/login HTTP/1.1',
      'DELETE /api/refresh HTTP/1.1',
      'GET /api/logout HTTP/1.1',
      'PATCH /api/backchannel-logout HTTP/1.1',
      'TRACE /api/items HTTP/1.1',
    ]) {
      const answer = await raw([line, bearer(), 'Content-Length: 0']);
      expect(answer.status, line).toBe(404);
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'not_found' });
    }
    expect((await raw(['GET /.well-known/jwks.json HTTP/1.1', bearer()])).body).toMatch(/"keys"/);
    expect(upstream.requests()).toBe(before);
  });

  // docs/security.md 35: the path the upstream sees is the one the decision was made on.
  it.each([
    ['GET /api/a/../b HTTP/1.1', '/api/b'],
    ['GET /api/a/%2e%2E/b HTTP/1.1', '/api/b'],
    ['GET /api//b HTTP/1.1', '/api/b'],
    ['GET /api/./b HTTP/1.1', '/api/b'],
    ['GET /%61pi/b?q=%2e%2e HTTP/1.1', '/api/b?q=%2e%2e'],
    ['GET /api/b;v=1 HTTP/1.1', '/api/b;v=1'],
    ['GET http://evil.example/api/b?q=1 HTTP/1.1', '/api/b?q=1'],
  ])('%s reaches the upstream as %s', async (line, expected) => {
    const answer = await raw([line, bearer()]);
    expect(answer.status).toBe(200);
    const echo = JSON.parse(answer.body) as Echo;
    expect(echo.path).toBe(expected);
    expect(header(echo, 'host')).toEqual([new URL(upstream.url).host]);
  });

  it.each([
    ['POST /api/%2e%2e/b HTTP/1.1', 404],
    ['POST /api/../../b HTTP/1.1', 404],
    ['POST /API/b HTTP/1.1', 404],
    ['POST /api HTTP/1.1', 404],
    ['POST /apis/b HTTP/1.1', 404],
    ['POST /api/a%2Fb HTTP/1.1', 400],
    ['POST /api/a%2fb HTTP/1.1', 400],
    ['POST /api/a%5cb HTTP/1.1', 400],
    ['POST /api\\b HTTP/1.1', 400],
    ['POST /api/..;/b HTTP/1.1', 400],
    ['POST /api/%252e%252e/b HTTP/1.1', 400],
    ['POST * HTTP/1.1', 400],
  ])('%s is not forwarded (%i)', async (line, status) => {
    const before = upstream.requests();
    const answer = await raw([line, bearer(), 'Content-Length: 0']);
    expect(answer.status).toBe(status);
    expect(upstream.requests()).toBe(before);
  });

  it("drops the upstream's Set-Cookie for Gatehouse's cookie names and keeps its others", async () => {
    const answer = await raw(['GET /api/cookies HTTP/1.1', bearer()]);
    expect(answer.status).toBe(200);
    const cookies = answer.head.split('\r\n').filter((line) => /^set-cookie:/i.test(line));
    expect(cookies).toEqual(['set-cookie: theirs=kept; Path=/']);
  });

  it('streams a 5 MB upload: the upstream reads it while the client is still sending', async () => {
    const size = 5 * 1024 * 1024;
    const data = randomBytes(size);
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const outgoing = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'PUT',
          path: '/api/upload',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/octet-stream',
            'content-length': String(size),
          },
        },
        (incoming) => {
          let text = '';
          incoming.setEncoding('utf8');
          incoming.on('data', (chunk: string) => (text += chunk));
          incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, text }));
        },
      );
      outgoing.on('error', reject);
      // Half the body, then nothing more until the upstream has begun reading it: a gateway that held the
      // body until it was whole would never forward any of it, and the upload would not complete.
      outgoing.write(data.subarray(0, size / 2));
      waitUntil(
        () => upstream.events.some((e) => e.event === 'reading' && e.path === '/api/upload'),
        20_000,
      ).then((reading) => {
        if (!reading) reject(new Error('the upstream never began reading the body'));
        else outgoing.end(data.subarray(size / 2));
      }, reject);
    });
    expect(answer.status).toBe(200);
    const echo = JSON.parse(answer.text) as Echo;
    expect(echo.bodyLength).toBe(size);
    expect(echo.bodySha256).toBe(createHash('sha256').update(data).digest('hex'));
  });

  it('answers 100 Continue itself and forwards the body', async () => {
    const answer = await raw(
      ['POST /api/continue HTTP/1.1', bearer(), 'Expect: 100-continue', 'Content-Length: 5'],
      'hello',
    );
    expect(answer.head).toMatch(/^HTTP\/1.1 100 Continue/);
    expect(answer.body).toMatch(/"body": "hello"/);
  });

  it('bounds a body by UPSTREAM_BODY_LIMIT: declared (not forwarded) or streamed (cut)', async () => {
    const before = upstream.requests();
    const declared = await raw(['POST /api/big HTTP/1.1', bearer(), `Content-Length: ${BODY_LIMIT + 1}`]);
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ error: 'request_too_large' });
    expect(upstream.requests()).toBe(before);

    const chunk = 'x'.repeat(1024 * 1024);
    const chunked = Array.from({ length: 7 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('');
    const streamed = await raw(
      ['POST /api/big HTTP/1.1', bearer(), 'Transfer-Encoding: chunked'],
      `${chunked}0\r\n\r\n`,
    );
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toMatchObject({ error: 'request_too_large' });
  });

  it('answers 502 upstream_unavailable and 504 upstream_timeout, without the upstream internals', async () => {
    const closed = await raw(['GET /api/close HTTP/1.1', bearer()]);
    expect(closed.status).toBe(502);
    expect(JSON.parse(closed.body)).toMatchObject({ error: 'upstream_unavailable' });
    const slow = await raw(['GET /api/hang HTTP/1.1', bearer()]);
    expect(slow.status).toBe(504);
    expect(JSON.parse(slow.body)).toMatchObject({ error: 'upstream_timeout' });
    await upstream.stop();
    const down = await raw(['GET /api/items HTTP/1.1', bearer()]);
    expect(down.status).toBe(502);
    expect(JSON.parse(down.body)).toMatchObject({ error: 'upstream_unavailable' });
    for (const answer of [closed, slow, down]) {
      expect(answer.body).not.toContain(new URL(upstream.url).port);
      expect(answer.body).not.toMatch(/127\.0\.0\.1|ECONN|UND_ERR|undici/i);
    }
    // Still the team's SPA at /, and Gatehouse's own routes, with the upstream down.
    expect((await raw(['GET / HTTP/1.1'])).body).toContain('Team app');
  });
});
