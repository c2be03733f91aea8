import { startTestPostgres, type TestPostgres } from '@gatehouse/common/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CookieJar } from '../gatehouse/cookie-jar.js';
import { type Credentials, GatehouseClient, type ObservedAnswer } from '../gatehouse/gatehouse-client.js';
import { httpRequest } from '../gatehouse/http-request.js';
import type { ClusterProcess } from './cluster-process.js';
import { type RunningCluster, SERVED_BY, startCluster } from './start-cluster.js';

// Issue 13's cluster, as a team runs it: PostgreSQL, 2 API and 2 auth-server processes (`gatehouse start api`,
// `gatehouse start auth`), each behind a round-robin haproxy with no stickiness. Nothing a flow needs between two
// requests may live in one process: every step below lands on whichever process the proxy picks.

const USERS: Credentials[] = Array.from({ length: 6 }, (_, index) => ({
  username: `cluster-${index}`,
  password: `a long passphrase of cluster user ${index}`,
}));

let postgres: TestPostgres;
let cluster: RunningCluster;

beforeAll(async () => {
  postgres = await startTestPostgres();
  cluster = await startCluster({
    databaseUrl: await postgres.createDatabase(),
    apis: 2,
    auths: 2,
    // Every client of this test comes through one proxy from one address: rate limits are not what it tests.
    env: { RATE_LIMIT_PER_MINUTE: '0' },
  });
  for (const user of USERS) {
    await cluster.cli(
      ['users', 'add', user.username, '--email', `${user.username}@example.test`, '--password-stdin'],
      user.password,
    );
  }
}, 180_000);

afterAll(async () => {
  await cluster?.close();
  await postgres?.close();
});

/** Where each answer came from: the part (by origin) and the process its proxy named. */
interface Step {
  part: 'api' | 'auth';
  process: string | undefined;
  method: string;
  path: string;
}

function observedClient(trail: Step[] = [], jar?: CookieJar): { client: GatehouseClient; trail: Step[] } {
  const apiOrigin = new URL(cluster.apiUrl).origin;
  const client = new GatehouseClient(cluster.apiUrl, {
    ...(jar === undefined ? {} : { jar }),
    onAnswer: (answer: ObservedAnswer) => {
      const url = new URL(answer.url);
      const part = url.origin === apiOrigin ? 'api' : 'auth';
      const served = answer.headers[SERVED_BY.toLowerCase()];
      trail.push({
        part,
        process: cluster.servedBy(part, served)?.name,
        method: answer.method,
        path: url.pathname,
      });
    },
  });
  return { client, trail };
}

function user(index: number): Credentials {
  const found = USERS[index % USERS.length];
  if (found === undefined) throw new Error('no users');
  return found;
}

/** `GET /api/me` on one process directly, around the proxy, with the public Host. */
async function meOn(process: ClusterProcess, token: string): Promise<number> {
  const answer = await httpRequest(`${process.directUrl}/api/me`, {
    method: 'GET',
    headers: { authorization: `Bearer ${token}`, host: new URL(cluster.apiUrl).host },
    timeoutMs: 5000,
  });
  return answer.status;
}

/** Polls until `check` holds or `limitMs` passes (a bound so a broken run ends, not a timing assertion). */
async function eventually(check: () => Promise<boolean>, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  do {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  } while (Date.now() < deadline);
  return check();
}

/** A refresh as the SDK makes it: an unanswered one (the process died, the proxy answered 502) is tried once more. */
async function refreshWithRetry(client: GatehouseClient): Promise<number> {
  try {
    const first = await client.tryRefresh();
    if (first.status < 500) return first.status;
  } catch {
    // no answer at all: tried again below
  }
  return (await client.tryRefresh()).status;
}

async function readiness(processes: readonly ClusterProcess[]): Promise<number[]> {
  return Promise.all(
    processes.map(async (running) => {
      try {
        const response = await fetch(`${running.directUrl}/readyz`, { signal: AbortSignal.timeout(2000) });
        await response.arrayBuffer();
        return response.status;
      } catch {
        return 0;
      }
    }),
  );
}

describe('a cluster of 2 API and 2 auth-server processes on PostgreSQL behind round-robin proxies', () => {
  it('signs users in one after another with no failure, the steps of each on different processes', async () => {
    for (let index = 0; index < 8; index += 1) {
      const { client, trail } = observedClient();
      const signedIn = await client.signIn(user(index));
      expect(signedIn.tokens.user.sub).toBeTruthy();
      const processes = (part: 'api' | 'auth') =>
        new Set(trail.filter((step) => step.part === part).map((step) => step.process));
      // /api/login on one API process, /api/callback on the other; the sign-in pages on both auth servers.
      expect(processes('api'), JSON.stringify(trail)).toEqual(new Set(['api-0', 'api-1']));
      expect(processes('auth'), JSON.stringify(trail)).toEqual(new Set(['auth-0', 'auth-1']));
    }
  });

  it('refreshes one session on every process in turn', async () => {
    const { client, trail } = observedClient();
    await client.signIn(user(0));
    trail.length = 0;
    for (let round = 0; round < 6; round += 1) expect((await client.tryRefresh()).status).toBe(200);
    expect(new Set(trail.map((step) => step.process))).toEqual(new Set(['api-0', 'api-1']));
  });

  it('refuses on every process, within a second, the token of a session logged out on one', async () => {
    const { client } = observedClient();
    const { tokens } = await client.signIn(user(1));
    for (const api of cluster.apis) expect(await meOn(api, tokens.access_token)).toBe(200);
    expect(await client.logout()).toBe(200);
    for (const api of cluster.apis) {
      const refused = await eventually(async () => (await meOn(api, tokens.access_token)) === 401, 1000);
      expect(refused, `${api.name} still accepts the token`).toBe(true);
    }
  });

  it('catches a reused refresh cookie across processes and ends the session everywhere', async () => {
    const { client, trail } = observedClient();
    await client.signIn(user(2));
    const stolen = new GatehouseClient(cluster.apiUrl, { jar: client.jar.copy() });
    expect((await client.tryRefresh()).status).toBe(200);
    // The successor used too: the old cookie is now reuse, whichever process sees it (docs/security.md 38).
    const latest = await client.tryRefresh();
    expect(latest.status).toBe(200);
    const reused = await stolen.tryRefresh();
    expect(reused.status).toBe(401);
    expect((await client.tryRefresh()).status).toBe(401);
    const token = latest.tokens?.access_token ?? '';
    for (const api of cluster.apis) {
      const refused = await eventually(async () => (await meOn(api, token)) === 401, 1000);
      expect(refused, `${api.name} still accepts the token`).toBe(true);
    }
    expect(
      new Set(trail.filter((step) => step.path === '/api/refresh').map((step) => step.process)).size,
    ).toBe(2);
  });

  it('answers a refresh again on another process when its answer was lost (the grace), with the same successor', async () => {
    const { client, trail } = observedClient();
    await client.signIn(user(5));
    const { client: lostAnswer } = observedClient(trail, client.jar.copy());
    trail.length = 0;
    const first = await client.tryRefresh();
    const again = await lostAnswer.tryRefresh();
    expect([first.status, again.status]).toEqual([200, 200]);
    // Round robin: the second presentation of the cookie went to the other process.
    expect(new Set(trail.map((step) => step.process)).size).toBe(2);
    expect(lostAnswer.jar.header(`${cluster.apiUrl}/api/refresh`)).toBe(
      client.jar.header(`${cluster.apiUrl}/api/refresh`),
    );
    // The successor is then used: the session goes on, and the first cookie is now reuse.
    expect((await lostAnswer.tryRefresh()).status).toBe(200);
  });

  it('loses no session when an API process is killed (kill -9) during a refresh load', async () => {
    // One trail for every client: which process served each refresh.
    const trail: Step[] = [];
    const clients = await Promise.all(
      Array.from({ length: 6 }, async (_, index) => {
        const { client } = observedClient(trail);
        await client.signIn(user(index));
        return client;
      }),
    );
    trail.length = 0;
    const victim = cluster.apis[1];
    if (victim === undefined) throw new Error('no API process to kill');
    const statuses: number[] = [];
    let killed: Promise<void> | undefined;
    await Promise.all(
      clients.map(async (client, index) => {
        for (let round = 0; round < 15; round += 1) {
          if (index === 0 && round === 5) killed = victim.kill('SIGKILL');
          statuses.push(await refreshWithRetry(client));
        }
      }),
    );
    await killed;
    expect(victim.exit?.signal).toBe('SIGKILL');
    // The load was spread over both processes before the kill: the victim held sessions' refreshes too.
    expect(trail.map((step) => step.process)).toContain(victim.name);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    // Every session goes on, on the process that is left.
    for (const client of clients) expect((await client.tryRefresh()).status).toBe(200);
    await victim.restart();
  });

  it('goes on signing users in when an auth-server process is killed (kill -9)', async () => {
    const victim = cluster.auths[0];
    if (victim === undefined) throw new Error('no auth-server process to kill');
    await victim.kill('SIGKILL');
    for (let index = 0; index < 4; index += 1) {
      const { client } = observedClient();
      const signedIn = await client.signIn(user(index));
      expect(signedIn.tokens.access_token).toBeTruthy();
    }
    await victim.restart();
  });

  it('answers 503 while PostgreSQL is stopped, serves again once it is back, and no process exits', async () => {
    const { client } = observedClient();
    await client.signIn(user(3));
    const everyone = [...cluster.apis, ...cluster.auths];
    await postgres.stop();
    try {
      const down = await eventually(
        async () => (await readiness(everyone)).every((status) => status === 503),
        15_000,
      );
      expect(down, `readiness while down: ${await readiness(everyone)}`).toBe(true);
      // Under load while it is down: every answer a prompt 503, never a 500, a hang or a crash.
      const answers = await Promise.all(
        Array.from({ length: 8 }, async (_, index) => {
          if (index % 2 === 0) return (await client.tryRefresh()).status;
          // A login transaction is written to the store before the URL is handed out (step 2).
          const login = await fetch(`${cluster.apiUrl}/api/login`, {
            headers: { 'gatehouse-login-challenge': 'x'.repeat(43) },
            signal: AbortSignal.timeout(10_000),
          });
          await login.arrayBuffer();
          return login.status;
        }),
      );
      expect(
        answers.every((status) => status === 503),
        String(answers),
      ).toBe(true);
    } finally {
      await postgres.start();
    }
    const back = await eventually(
      async () => (await readiness(everyone)).every((status) => status === 200),
      30_000,
    );
    expect(back, `readiness after: ${await readiness(everyone)}`).toBe(true);
    // The proxies take a server back after two good health checks: wait until both fronts serve again.
    const fronts = await eventually(async () => {
      for (const url of [cluster.apiUrl, cluster.authUrl, cluster.apiUrl, cluster.authUrl]) {
        const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) });
        await response.arrayBuffer();
        if (response.status !== 200) return false;
      }
      return true;
    }, 10_000);
    expect(fronts).toBe(true);
    expect((await client.tryRefresh()).status).toBe(200);
    const { client: fresh } = observedClient();
    expect((await fresh.signIn(user(4))).tokens.access_token).toBeTruthy();
    expect(everyone.filter((running) => running.exit !== undefined).map((running) => running.name)).toEqual(
      [],
    );
  });
});
