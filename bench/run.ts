import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SoftAuthenticator } from '@gatehouse/auth-server/testing';
import { freePort } from '@gatehouse/common/testing';
import { runClusterBench } from './cluster/cluster-bench.js';
import { addClient } from './gatehouse/add-client.js';
import { addUser } from './gatehouse/add-user.js';
import { type Credentials, GatehouseClient } from './gatehouse/gatehouse-client.js';
import { renewingToken } from './gatehouse/renewing-token.js';
import { type RunningExample, startExample } from './gatehouse/start-example.js';
import { startGatehouse } from './gatehouse/start-gatehouse.js';
import { type RunningGateway, startGateway } from './gatehouse/start-gateway.js';
import { newTotpSecret } from './gatehouse/totp.js';
import { resultsDir } from './harness/paths.js';
import { mapPool } from './harness/pool.js';
import { processTreeRss } from './harness/process-rss.js';
import { measureCallbackLatency } from './measures/callback-latency.js';
import { measureHashLimit } from './measures/hash-limit.js';
import { measureMeComparison } from './measures/me-comparison.js';
import { measureRefresh } from './measures/refresh.js';
import { measureSessionMemory, type SessionMemory } from './measures/session-memory.js';
import { measureSignIns } from './measures/sign-ins.js';
import { measureStartup } from './measures/startup.js';
import type { BenchResults, BenchSettings } from './report/bench-results.js';
import { machineInfo } from './report/machine.js';
import { renderReport } from './report/render.js';

/** The measurements `npm run bench -- --only <names>` can choose. */
const MEASURES = ['me', 'sign-ins', 'refresh', 'callback', 'startup', 'memory'] as const;
type MeasureName = (typeof MEASURES)[number];

// `npm run bench -- --cluster`: issue 13's stacks side by side (SQLite, PostgreSQL 1+1 and 2+2), and nothing else.
if (process.argv.includes('--cluster')) {
  const started = performance.now();
  const report = await runClusterBench((line) => {
    process.stderr.write(
      `[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`,
    );
  });
  process.stdout.write(`${report}\n`);
  process.exit(0);
}

// `npm run bench`: every measurement of issue 6 in one run, bounded (about 5 minutes on 2 cores), loopback
// only. Progress goes to stderr; the report to stdout and bench/results/latest.json. `npm run bench --
// --postgres`: SQLite beside PostgreSQL instead (bench/postgres/), to bench/results/postgres.json.
const quick = process.env.BENCH_QUICK === '1';
const only = measuresToRun(process.argv);
if (process.argv.includes('--postgres')) {
  const { renderPostgresBench, runPostgresBench } = await import('./postgres/run-postgres.js');
  const began = performance.now();
  const report = await runPostgresBench((line) => {
    process.stderr.write(
      `[bench ${((performance.now() - began) / 1000).toFixed(0).padStart(3)} s] ${line}\n`,
    );
  }, quick);
  process.stdout.write(renderPostgresBench(report));
  process.exit(0);
}
const settings: BenchSettings = {
  quick,
  connections: 32,
  rounds: quick ? 2 : 5,
  roundSeconds: quick ? 1 : 3,
  warmUpSeconds: 1,
  signInSeconds: quick ? 3 : 10,
  signInInFlight: 4,
  passwordUsers: 4,
  totpUsers: quick ? 12 : 32,
  passkeyUsers: 4,
  refreshSessions: 8,
  refreshSeconds: quick ? 2 : 8,
  callbackSamples: quick ? 20 : 100,
  sessions: Number(process.env.BENCH_SESSIONS ?? (quick ? 300 : 10_000)),
  sessionInFlight: 8,
  sessionMaxSeconds: quick ? 20 : 190,
  startupRepetitions: quick ? 1 : 3,
  hashSamples: quick ? 10 : 40,
};
const gatehouseEnv = { RATE_LIMIT_PER_MINUTE: '0', NODE_ENV: 'production', LOG_LEVEL: 'warn' };
const begin = performance.now();
const log = (line: string): void => {
  process.stderr.write(`[bench ${((performance.now() - begin) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);
};

const results: BenchResults = {
  startedAt: new Date().toISOString(),
  durationSeconds: 0,
  machine: machineInfo(),
  gatehouseEnv,
  settings,
  errors: {},
  gatehouseLogs: {},
};

// Runs one measurement; a failure is recorded and the run goes on, so one broken part does not hide the rest.
async function attempt<T>(name: string, measure: () => Promise<T>): Promise<T | undefined> {
  log(`${name}…`);
  try {
    return await measure();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    results.errors[name] = message;
    log(`${name} failed: ${message}`);
    return undefined;
  }
}

const workDir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-'));
const mainDir = join(workDir, 'main');
const exampleDir = join(workDir, 'example');
const gatewayDir = join(workDir, 'gateway');
const memoryDir = join(workDir, 'memory');
const password = 'correct horse battery staple';
const passwordUsers: Credentials[] = Array.from({ length: settings.passwordUsers }, (_, index) => ({
  username: `bench-pw-${index}`,
  password,
}));
// A TOTP code is single use per user (RFC 6238 5.2), so each TOTP user signs in once.
const totpUsers: Credentials[] = Array.from({ length: settings.totpUsers }, (_, index) => ({
  username: `bench-totp-${index}`,
  password,
  totpSecret: newTotpSecret(),
}));
const memoryUser: Credentials = { username: 'bench-memory', password };
// Each signs in with a passkey alone, its own lane of the run (see measureSignIns); enrolled on /account.
const passkeyUsers: Credentials[] = Array.from({ length: settings.passkeyUsers ?? 4 }, (_, index) => ({
  username: `bench-passkey-${index}`,
  password,
}));

try {
  if (only.has('sign-ins'))
    results.hashLimit = await attempt('hash limit', () => measureHashLimit(settings.hashSamples));

  const needsMain = (['me', 'sign-ins', 'refresh', 'callback'] as const).some((name) => only.has(name));
  results.userSetup = await attempt('creating users', async () => {
    const started = performance.now();
    // Start-up alone needs no more than a data directory that holds a user.
    const everyone = needsMain
      ? [...passwordUsers, ...totpUsers, ...passkeyUsers]
      : only.has('startup')
        ? passwordUsers.slice(0, 1)
        : [];
    const add = (user: Credentials): Promise<void> =>
      addUser(mainDir, { ...user, email: `${user.username}@example.test` });
    // Concurrent first opens of a new DATA_DIR are safe: openDatabase migrates inside one BEGIN IMMEDIATE.
    await mapPool(everyone.length, 3, (index) => add(everyone[index] ?? memoryUser));
    if (only.has('memory')) await addUser(memoryDir, { ...memoryUser, email: 'bench-memory@example.test' });
    return {
      users: everyone.length + (only.has('memory') ? 1 : 0),
      seconds: (performance.now() - started) / 1000,
    };
  });

  if (only.has('startup')) {
    results.startup = await attempt('start-up time', () =>
      measureStartup(mainDir, settings.startupRepetitions),
    );
  }

  const gatehouse = needsMain
    ? await attempt('starting gatehouse', async () =>
        startGatehouse({ port: await freePort(), authPort: await freePort(), dataDir: mainDir }),
      )
    : undefined;
  if (gatehouse) {
    try {
      const publicUrl = gatehouse.publicUrl;
      const tokenClient = new GatehouseClient(publicUrl);
      // One token for every target of the API.
      const currentToken = renewingToken(tokenClient, passwordUsers[0] ?? memoryUser);

      // A team's own app on the plugin beside the demo: the Fastify example, registered at the same auth server.
      const example: RunningExample | undefined = !only.has('me')
        ? undefined
        : await attempt('starting the Fastify example', async () => {
            const port = await freePort();
            const client = { id: 'bench-example', secret: randomBytes(32).toString('base64url') };
            await addClient(mainDir, { ...client, publicUrl: `http://localhost:${port}` });
            return startExample({
              port,
              issuer: gatehouse.authUrl,
              clientId: client.id,
              clientSecret: client.secret,
              dataDir: exampleDir,
              env: gatehouseEnv,
            });
          });
      // The gateway for an API in any language: `gatehouse start api` with UPSTREAM_URL, at the same auth server.
      const gateway: RunningGateway | undefined = !only.has('me')
        ? undefined
        : await attempt('starting the gateway', () =>
            startGateway({
              issuer: gatehouse.authUrl,
              authDataDir: mainDir,
              dataDir: gatewayDir,
              env: gatehouseEnv,
            }),
          );
      try {
        // Each app verifies tokens of its own: the example's and the gateway's come from signing in through them.
        const user = passwordUsers[0] ?? memoryUser;
        if (only.has('me'))
          results.meComparison = await attempt('GET /api/me comparison', () =>
            measureMeComparison({
              publicUrl,
              serverPid: gatehouse.pid,
              token: currentToken,
              connections: settings.connections,
              rounds: settings.rounds,
              roundSeconds: settings.roundSeconds,
              warmUpSeconds: settings.warmUpSeconds,
              ...(example === undefined
                ? {}
                : {
                    guarded: {
                      url: example.url,
                      pid: example.pid,
                      token: renewingToken(new GatehouseClient(example.url), user),
                    },
                  }),
              ...(gateway === undefined
                ? {}
                : {
                    gateway: {
                      url: gateway.url,
                      pid: gateway.pid,
                      upstreamUrl: gateway.upstream.url,
                      upstreamPid: gateway.upstream.pid,
                      token: renewingToken(new GatehouseClient(gateway.url), user),
                    },
                  }),
              log,
            }),
          );
      } finally {
        await example?.stop();
        await gateway?.stop();
        if (gateway) results.gatehouseLogs.gateway = gateway.logged();
      }

      if (only.has('sign-ins')) {
        results.signInsPassword = await attempt('password sign-ins', () =>
          measureSignIns({
            label: 'password',
            publicUrl,
            users: passwordUsers,
            inFlight: settings.signInInFlight,
            maxSeconds: settings.signInSeconds,
            maxCount: Number.POSITIVE_INFINITY,
            serverPid: gatehouse.pid,
          }),
        );

        results.signInsTotp = await attempt('password + TOTP sign-ins', () =>
          measureSignIns({
            label: 'password + TOTP',
            publicUrl,
            users: totpUsers,
            inFlight: settings.signInInFlight,
            maxSeconds: settings.signInSeconds * 2,
            maxCount: totpUsers.length,
            serverPid: gatehouse.pid,
          }),
        );

        results.signInsPasskey = await attempt('passkey sign-ins', async () => {
          const enrolled: Credentials[] = [];
          for (const user of passkeyUsers) {
            const authenticator = new SoftAuthenticator(gatehouse.authUrl);
            await new GatehouseClient(publicUrl).enrolPasskey(gatehouse.authUrl, user, authenticator);
            enrolled.push({ ...user, passkey: authenticator });
          }
          return measureSignIns({
            label: 'passkey',
            publicUrl,
            users: enrolled,
            inFlight: settings.signInInFlight,
            maxSeconds: settings.signInSeconds,
            maxCount: Number.POSITIVE_INFINITY,
            serverPid: gatehouse.pid,
            method: 'passkey',
          });
        });
      }

      if (only.has('refresh'))
        results.refresh = await attempt('refresh grants', async () => {
          const clients = Array.from(
            { length: settings.refreshSessions },
            () => new GatehouseClient(publicUrl),
          );
          await mapPool(clients.length, 4, (index) =>
            (clients[index] ?? tokenClient).signIn(passwordUsers[index % passwordUsers.length] ?? memoryUser),
          );
          return measureRefresh(clients, settings.refreshSeconds, gatehouse.pid);
        });

      if (only.has('callback'))
        results.callbackLatency = await attempt('/api/callback latency', () =>
          measureCallbackLatency(publicUrl, passwordUsers[1] ?? memoryUser, settings.callbackSamples, 20),
        );
    } finally {
      await gatehouse.stop();
      results.gatehouseLogs.main = gatehouse.logged();
    }
  }

  if (only.has('memory'))
    results.sessionMemory = await attempt(`memory with ${settings.sessions} sessions`, async () => {
      const start = async () =>
        startGatehouse({ port: await freePort(), authPort: await freePort(), dataDir: memoryDir });
      const fresh = await start();
      let measured: SessionMemory;
      try {
        measured = await measureSessionMemory(
          fresh,
          memoryUser,
          settings.sessions,
          settings.sessionInFlight,
          settings.sessionMaxSeconds,
          log,
        );
      } finally {
        await fresh.stop();
        results.gatehouseLogs.memory = fresh.logged();
      }
      // The sessions are stored, so they are still live after a restart: RSS before any request then separates
      // what the sessions need from what the load left behind in the heap.
      const restarted = await start();
      try {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        measured.restarted = processTreeRss(restarted.pid);
      } finally {
        await restarted.stop();
      }
      return measured;
    });
} finally {
  await rm(workDir, { recursive: true, force: true });
}

results.durationSeconds = (performance.now() - begin) / 1000;
await mkdir(resultsDir, { recursive: true });
const jsonPath = join(resultsDir, 'latest.json');
await writeFile(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`${renderReport(results)}\n\nJSON: ${jsonPath}\n`);

/**
 * `--only startup,memory` (names separated by commas): the measurements to run, by default all of them: `me`
 * (GET /api/me against the alternatives), `sign-ins` (with the hash limit), `refresh`, `callback`, `startup`,
 * `memory`. An unknown name stops the run before it starts.
 */
function measuresToRun(argv: readonly string[]): ReadonlySet<MeasureName> {
  const at = argv.indexOf('--only');
  if (at === -1) return new Set(MEASURES);
  const names = (argv[at + 1] ?? '').split(',').filter((name) => name !== '');
  const unknown = names.filter((name) => !(MEASURES as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    process.stderr.write(`bench: --only takes a comma-separated list of ${MEASURES.join(', ')}\n`);
    process.exit(2);
  }
  return new Set(names as MeasureName[]);
}
