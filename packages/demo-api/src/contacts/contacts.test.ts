import { request as httpRequest } from 'node:http';
import { captureLogs, MisbehavingProvider, spaSignIn, testBackends } from '@gatehouse/api/testing';
import { CONTACTS_PER_USER } from '@gatehouse/contract/demo';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDemo, type TestDemo } from '../testing/start-test-demo.js';
import { openContactsStore } from './open-contacts-store.js';

// The demo's contacts, on the gatehouse plugin: per user, validated at the boundary, bounded.
describe.each(testBackends(afterAll))('the demo contacts, on $name', (backend) => {
  let op: MisbehavingProvider;
  let t: TestDemo;

  beforeAll(async () => {
    op = await MisbehavingProvider.start();
    t = await startTestDemo({ issuer: op.issuer, env: await backend.env() });
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

  const as = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

  it('keeps contacts per user', async () => {
    const alice = await signInAs('alice');
    const bob = await signInAs('bob');
    const created = await t.request('/api/contacts', {
      method: 'POST',
      headers: as(alice),
      body: JSON.stringify({
        name: 'Carol',
        email: 'carol@example.com',
        phone: '+1 555 0100',
        notes: 'met at OIDF',
      }),
    });
    expect(created.status).toBe(201);
    const contact = (await created.json()) as { id: string; name: string; created_at: string };
    expect(contact).toMatchObject({ name: 'Carol', email: 'carol@example.com', phone: '+1 555 0100' });
    expect(new Date(contact.created_at).toISOString()).toBe(contact.created_at);

    const patched = await t.request(`/api/contacts/${contact.id}`, {
      method: 'PATCH',
      headers: as(alice),
      body: JSON.stringify({ notes: null }),
    });
    expect(((await patched.json()) as { notes: unknown }).notes).toBeNull();
    const list = await t.request('/api/contacts', { headers: as(alice) });
    expect(((await list.json()) as { contacts: unknown[] }).contacts).toHaveLength(1);

    // Another user's contact is a 404, for read, update and delete.
    expect((await t.request(`/api/contacts/${contact.id}`, { headers: as(bob) })).status).toBe(404);
    const patch = await t.request(`/api/contacts/${contact.id}`, {
      method: 'PATCH',
      headers: as(bob),
      body: '{"name":"x"}',
    });
    expect(patch.status).toBe(404);
    expect(await patch.json()).toMatchObject({ error: 'not_found' });
    const remove = await t.request(`/api/contacts/${contact.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${bob}` },
    });
    expect(remove.status).toBe(404);
    const bobs = (await (await t.request('/api/contacts', { headers: as(bob) })).json()) as {
      contacts: unknown[];
    };
    expect(bobs.contacts).toEqual([]);

    // Validation at the boundary: unknown fields, empty name, bad email, oversized notes.
    for (const bad of [
      { name: 'X', admin: true },
      { name: '' },
      { name: 'X', email: 'not-an-email' },
      { name: 'X', notes: 'n'.repeat(2001) },
      { name: 'X', phone: 'call me' },
    ]) {
      const refused = await t.request('/api/contacts', {
        method: 'POST',
        headers: as(alice),
        body: JSON.stringify(bad),
      });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: string }).error).toBe('invalid_request');
    }
    const deleted = await t.request(`/api/contacts/${contact.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${alice}` },
    });
    expect(deleted.status).toBe(204);
  });

  it('answers every contacts route 401 without a valid token, before reading a body', async () => {
    for (const [method, path] of [
      ['GET', '/api/contacts'],
      ['POST', '/api/contacts'],
      ['GET', '/api/contacts/x'],
      ['PATCH', '/api/contacts/x'],
      ['DELETE', '/api/contacts/x'],
    ] as const) {
      const response = await t.request(path, {
        method,
        headers: { authorization: 'Bearer nope', 'content-type': 'application/json' },
        ...(method === 'POST' || method === 'PATCH' ? { body: 'x'.repeat(1024 * 1024) } : {}),
      });
      expect(response.status, `${method} ${path}`).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    }
  });

  it('answers a 1 MB contact 413 request_too_large, declared or streamed', async () => {
    const token = await signInAs('user-1');
    const oneMegabyte = JSON.stringify({ name: 'x', notes: 'n'.repeat(1024 * 1024) });
    const declared = await t.request('/api/contacts', {
      method: 'POST',
      headers: as(token),
      body: oneMegabyte,
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ error: 'request_too_large' });
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL('/api/contacts', t.url);
      const outgoing = httpRequest(
        { host: '127.0.0.1', port: url.port, path: url.pathname, method: 'POST', headers: as(token) },
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
  });

  it(`keeps at most ${CONTACTS_PER_USER} contacts per user, with a 409 contact_limit_reached`, async () => {
    const token = await signInAs('collector');
    const other = await signInAs('someone-else');
    // The first CONTACTS_PER_USER - 2 straight into the demo's database (a second connection, as another
    // process would open it): fast, and the count the API checks is the stored one.
    const store = await openContactsStore(
      { dataDir: t.dataDir, databaseUrl: t.demo.server.config.databaseUrl },
      captureLogs().logger,
    );
    try {
      for (let i = 0; i < CONTACTS_PER_USER - 2; i++) {
        expect(
          await store.create('collector', { name: `c${i}` }, Date.now(), CONTACTS_PER_USER),
        ).toBeDefined();
      }
    } finally {
      await store.close();
    }
    const create = (bearer: string, name: string) =>
      t.request('/api/contacts', { method: 'POST', headers: as(bearer), body: JSON.stringify({ name }) });
    expect((await create(token, 'one before last')).status).toBe(201);
    // Two creates race for the last place: exactly one gets it.
    const racing = await Promise.all([create(token, 'last A'), create(token, 'last B')]);
    expect(racing.map((response) => response.status).sort()).toEqual([201, 409]);
    const refused = await create(token, 'one too many');
    expect(refused.status).toBe(409);
    expect(await refused.json()).toEqual({
      error: 'contact_limit_reached',
      error_description: expect.stringContaining(String(CONTACTS_PER_USER)),
    });
    const list = await t.request('/api/contacts', { headers: as(token) });
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
