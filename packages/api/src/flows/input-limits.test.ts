import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTACTS_PER_USER } from '../store/contacts-per-user.js';
import { apiDatabaseFile, SqliteApiStore } from '../store/sqlite-api-store.js';
import { MisbehavingProvider } from '../testing/misbehaving-provider.js';
import { spaSignIn } from '../testing/spa-sign-in.js';
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

  /** Signs in as `sub` (the provider double's ID token and userinfo both name it). */
  async function signInAs(sub: string): Promise<string> {
    const { accessToken } = await spaSignIn(t, (loginUrl) => {
      op.behaviour.claims.sub = sub;
      op.behaviour.userinfoSub = sub;
      return op.authorize(loginUrl);
    });
    op.resetBehaviour();
    return accessToken;
  }

  const oneMegabyte = JSON.stringify({ name: 'x', notes: 'n'.repeat(1024 * 1024) });

  it('answers a 1 MB JSON body 413 request_too_large, declared or streamed, on every POST route', async () => {
    const token = await signInAs('user-1');
    const posts: [string, Record<string, string>, string][] = [
      [
        '/api/contacts',
        { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        oneMegabyte,
      ],
      ['/api/refresh', sameOriginJson(t.url), oneMegabyte],
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
      const url = new URL('/api/contacts', t.url);
      const outgoing = httpRequest(
        {
          host: '127.0.0.1',
          port: url.port,
          path: url.pathname,
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
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

  it(`keeps at most ${CONTACTS_PER_USER} contacts per user, with a 409 contact_limit_reached`, async () => {
    const token = await signInAs('collector');
    const other = await signInAs('someone-else');
    // The first CONTACTS_PER_USER - 2 straight into the API's database (a second connection, as another process
    // would open it): fast, and the count the API checks is the stored one.
    const store = new SqliteApiStore(apiDatabaseFile(t.dataDir));
    try {
      for (let i = 0; i < CONTACTS_PER_USER - 2; i++) {
        expect(
          await store.createContact('collector', { name: `c${i}` }, Date.now(), CONTACTS_PER_USER),
        ).toBeDefined();
      }
    } finally {
      await store.close();
    }
    const create = (bearer: string, name: string) =>
      t.request('/api/contacts', {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
    expect((await create(token, 'one before last')).status).toBe(201);
    // Two creates race for the last place: exactly one gets it.
    const racing = await Promise.all([create(token, 'last A'), create(token, 'last B')]);
    expect(racing.map((response) => response.status).sort()).toEqual([201, 409]);
    const refused = await create(token, 'one too many');
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({
      error: 'contact_limit_reached',
      error_description: expect.stringContaining(String(CONTACTS_PER_USER)),
    });
    const list = await t.request('/api/contacts', { headers: { authorization: `Bearer ${token}` } });
    const { contacts } = (await list.json()) as { contacts: { id: string }[] };
    expect(contacts).toHaveLength(CONTACTS_PER_USER);

    // Another user is not affected, and deleting one makes room again.
    expect((await create(other, 'mine')).status).toBe(201);
    const deleted = await t.request(`/api/contacts/${contacts[0]?.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(deleted.status).toBe(204);
    expect((await create(token, 'room again')).status).toBe(201);
  });
});
