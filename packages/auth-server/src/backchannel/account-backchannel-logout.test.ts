import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@gatehouse/common';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addClient } from '../clients/client-admin.js';
import { loadAuthServerConfig } from '../config/load-auth-server-config.js';
import { startAuthServer } from '../server/start-auth-server.js';
import type { AuthStore } from '../store/auth-store.js';
import { openAuthStore } from '../store/sqlite/open-auth-store.js';
import { TestBrowser } from '../testing/browser.js';
import { authorizeUrl, pkcePair, signIn } from '../testing/sign-in.js';
import {
  REDIRECT_URI,
  startTestAuthServer,
  TEST_SECRET,
  type TestAuthServer,
} from '../testing/test-auth-server.js';
import { codeGrant, tokenRequest } from '../testing/token-request.js';
import {
  addUser,
  removeUser,
  setUserDisabled,
  setUserPassword,
  setUserTotpSecret,
} from '../users/user-admin.js';
import { BACKCHANNEL_DELIVERY_POLICY } from './deliver-backchannel-logouts.js';

const PASSWORD = 'correct horse battery staple';
const NEW_TOTP_SECRET = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';
const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** A client's back-channel logout endpoint: records each logout token, answers `status()`. */
class Receiver {
  readonly tokens: Array<{ header: Record<string, unknown>; payload: Record<string, unknown> }> = [];
  status = 200;
  readonly #server: Server;
  constructor() {
    this.#server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        const token = new URLSearchParams(body).get('logout_token') ?? '';
        const [header, payload] = token
          .split('.')
          .slice(0, 2)
          .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
        if (header && payload) this.tokens.push({ header, payload });
        res.statusCode = this.status;
        res.end();
      });
    });
  }
  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://localhost:${(this.#server.address() as AddressInfo).port}/backchannel-logout`;
  }
  async close(): Promise<void> {
    await new Promise((resolve) => this.#server.close(resolve));
  }
  /** The tokens received for `sid`. */
  for(sid: string) {
    return this.tokens.filter((token) => token.payload.sid === sid);
  }
}

/** Captured log lines (JSON objects). */
function captureLog() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger(
    { name: 'test', level: 'info' },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { logger, lines, events: (event: string) => lines.filter((line) => line.event === event) };
}

// docs/security.md 49 (issue 16 item 1): when an administrator (from the CLI, another process) or a lock ends a
// user's sessions at the auth server, every client with a back-channel logout URI is told, for every session, as
// a sign-out does; the notices are queued in the same transaction and delivered by the running server.
describe('back-channel logout when an account’s sessions are ended', () => {
  let auth: TestAuthServer;
  let receiver: Receiver;
  let log: ReturnType<typeof captureLog>;
  let now = Date.now();

  beforeAll(async () => {
    receiver = new Receiver();
    const backchannelUri = await receiver.listen();
    log = captureLog();
    auth = await startTestAuthServer({ nowMs: () => now, logger: log.logger });
    await addClient(auth.store, {
      clientId: 'api',
      secret: TEST_SECRET,
      redirectUris: [REDIRECT_URI],
      backchannelLogoutUri: backchannelUri,
      firstParty: true,
    });
    for (const username of ['dave', 'erin', 'frank', 'gina', 'hank', 'ivan', 'judy']) {
      await addUser(auth.store, { username, email: `${username}@example.com`, password: PASSWORD });
    }
  });
  afterAll(async () => {
    await auth.close();
    await receiver.close();
  });

  afterEach(() => {
    receiver.status = 200;
  });

  /** Signs `username` in to client `api` in a new browser; returns the session's sid and the user's sub. */
  async function signedIn(username: string): Promise<{ sid: string; sub: string }> {
    const { verifier, challenge } = pkcePair();
    const callback = await signIn(
      new TestBrowser(),
      authorizeUrl(auth.issuer, 'api', challenge),
      auth.issuer,
      {
        username,
        password: PASSWORD,
      },
    );
    const tokens = await tokenRequest(
      auth.issuer,
      codeGrant(String(callback.searchParams.get('code')), verifier),
      {
        id: 'api',
        secret: TEST_SECRET,
      },
    );
    const claims = JSON.parse(
      Buffer.from(String(tokens.json.id_token).split('.')[1] ?? '', 'base64url').toString(),
    ) as { sid: string; sub: string };
    expect(claims.sid).toEqual(expect.any(String));
    return claims;
  }

  /** What the CLI does: a connection of its own to the same store, closed after the command. */
  async function asCli(command: (store: AuthStore) => Promise<unknown>): Promise<void> {
    const store = openAuthStore(auth.dataDir);
    try {
      await command(store);
    } finally {
      await store.close();
    }
  }

  it.each([
    [
      'users passwd',
      'dave',
      'password_changed',
      (s: AuthStore) => setUserPassword(s, 'dave', `${PASSWORD} 2`),
    ],
    ['users remove', 'erin', 'user_removed', (s: AuthStore) => removeUser(s, 'erin')],
    ['users totp', 'frank', 'totp_changed', (s: AuthStore) => setUserTotpSecret(s, 'frank', NEW_TOTP_SECRET)],
    ['users disable', 'gina', 'user_disabled', (s: AuthStore) => setUserDisabled(s, 'gina', true)],
  ] as const)(
    '%s (in another process) reaches the client: a signed logout token for the session',
    async (_name, username, reason, command) => {
      const first = await signedIn(username);
      const second = await signedIn(username);
      await asCli(command);
      await expect
        .poll(() => receiver.for(first.sid).length + receiver.for(second.sid).length, { timeout: 5000 })
        .toBe(2);
      for (const { sid, sub } of [first, second]) {
        const [token] = receiver.for(sid);
        expect(token?.header).toMatchObject({ typ: 'logout+jwt', alg: 'RS256' });
        expect(token?.payload).toMatchObject({ iss: auth.issuer, aud: 'api', sid, sub });
        expect(token?.payload.events).toHaveProperty([BACKCHANNEL_EVENT]);
        expect(token?.payload).not.toHaveProperty('nonce');
      }
      await expect.poll(() => auth.store.outbox.pending(), { timeout: 5000 }).toBe(0);
      const delivered = log.events('backchannel_logout_delivered').filter((line) => line.sub === first.sub);
      expect(delivered).toHaveLength(2);
      expect(delivered[0]).toMatchObject({ client: 'api', reason, attempt: 1 });
      // The token itself is never logged.
      expect(JSON.stringify(log.lines)).not.toMatch(/eyJ[\w-]+\.eyJ/);
    },
  );

  it('retries a failed delivery after a back-off, and gives up, logged, after the bound', async () => {
    const flaky = await signedIn('hank');
    receiver.status = 503;
    await asCli((s) => setUserPassword(s, 'hank', `${PASSWORD} 2`));
    await expect.poll(() => receiver.for(flaky.sid).length, { timeout: 5000 }).toBe(1);
    await expect
      .poll(() => log.events('backchannel_logout_failed').filter((l) => l.sub === flaky.sub).length, {
        timeout: 5000,
      })
      .toBe(1);
    expect(log.events('backchannel_logout_failed').find((l) => l.sub === flaky.sub)).toMatchObject({
      attempt: 1,
      retryIn: 1,
    });
    // Not tried again before its back-off has passed (the clock stands still)...
    await new Promise((resolve) => setTimeout(resolve, 4 * BACKCHANNEL_DELIVERY_POLICY.intervalMs));
    expect(receiver.for(flaky.sid)).toHaveLength(1);
    // ...then tried again, and delivered once the client answers.
    receiver.status = 200;
    now += 1000;
    await expect.poll(() => receiver.for(flaky.sid).length, { timeout: 5000 }).toBe(2);
    await expect.poll(() => auth.store.outbox.pending(), { timeout: 5000 }).toBe(0);

    const lost = await signedIn('ivan');
    receiver.status = 500;
    await asCli((s) => setUserPassword(s, 'ivan', `${PASSWORD} 2`));
    const failures = () =>
      log.events('backchannel_logout_failed').filter((line) => line.sub === lost.sub).length;
    for (let attempt = 1; attempt < BACKCHANNEL_DELIVERY_POLICY.maxAttempts; attempt++) {
      // Its failure recorded (and its next attempt dated) before the clock moves past the longest back-off.
      await expect.poll(failures, { timeout: 5000 }).toBe(attempt);
      now += BACKCHANNEL_DELIVERY_POLICY.maxBackoffSeconds * 1000;
    }
    await expect.poll(() => log.events('backchannel_logout_abandoned').length, { timeout: 5000 }).toBe(1);
    expect(log.events('backchannel_logout_abandoned')[0]).toMatchObject({ client: 'api', sub: lost.sub });
    expect(await auth.store.outbox.pending()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 4 * BACKCHANNEL_DELIVERY_POLICY.intervalMs));
    expect(receiver.for(lost.sid)).toHaveLength(BACKCHANNEL_DELIVERY_POLICY.maxAttempts);
  });

  it('keeps a notice written while no server runs, and the next server delivers it', async () => {
    const session = await signedIn('judy');
    await auth.server.close();
    await asCli((s) => setUserPassword(s, 'judy', `${PASSWORD} 2`));
    expect(await auth.store.outbox.pending()).toBe(1);
    expect(receiver.for(session.sid)).toHaveLength(0);
    const next = await startAuthServer({
      config: loadAuthServerConfig({ AUTH_PORT: String(auth.server.port), DATA_DIR: auth.dataDir }),
      store: auth.store,
      nowMs: () => now,
      logger: log.logger,
    });
    try {
      await expect.poll(() => receiver.for(session.sid).length, { timeout: 5000 }).toBe(1);
    } finally {
      await next.close();
    }
  });
});
