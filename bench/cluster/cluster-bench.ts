import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startTestPostgres, type TestPostgres } from '@gatehouse/common/testing';
import { addUser } from '../gatehouse/add-user.js';
import { type Credentials, GatehouseClient } from '../gatehouse/gatehouse-client.js';
import { startGatehouse } from '../gatehouse/start-gatehouse.js';
import { runLoad } from '../harness/load.js';
import { resultsDir } from '../harness/paths.js';
import { mapPool } from '../harness/pool.js';
import { ratio } from '../harness/stats.js';
import { measureRefresh, type RefreshRun } from '../measures/refresh.js';
import { measureRevocation, type RevocationRun } from '../measures/revocation.js';
import { measureSignIns, type SignInRun } from '../measures/sign-ins.js';
import { fmt, formatTable } from '../report/table.js';
import { startCluster } from './start-cluster.js';

/** One stack's figures: sign-ins, refresh grants, `/api/me`, revocation propagation. */
export interface StackRun {
  stack: string;
  signIns?: SignInRun;
  refresh?: RefreshRun;
  /** Through the stack's public URL (the proxy, for a cluster). */
  meRps?: number;
  /** On one API process directly, around the proxy (a cluster only): what the proxy costs. */
  meDirectRps?: number;
  revocation?: RevocationRun;
  errors: Record<string, string>;
}

/** The bounds of the cluster bench; `BENCH_QUICK=1` shrinks them for a smoke run. */
const quick = process.env.BENCH_QUICK === '1';
const SETTINGS = {
  users: 4,
  signInSeconds: quick ? 3 : 10,
  signInInFlight: 4,
  refreshSessions: 8,
  refreshSeconds: quick ? 2 : 8,
  meConnections: 32,
  meSeconds: quick ? 2 : 5,
  revocationSamples: quick ? 10 : 50,
};

/** A stack to measure: its public URL, the API processes to reach directly, its pids for the CPU share. */
interface Stack {
  publicUrl: string;
  directUrls: readonly string[];
  pids: () => number[];
}

/**
 * `npm run bench -- --cluster`: issue 13's figures side by side in one run on this machine, each stack started
 * afresh: SQLite (one `gatehouse start`), PostgreSQL with 1 process per part, and 2 per part behind round-robin
 * haproxy fronts (the PostgreSQL stacks are both behind the proxies, so they compare with each other as they run in
 * production; the direct `/api/me` column says what the proxy adds).
 */
export async function runClusterBench(log: (line: string) => void): Promise<string> {
  const users: Credentials[] = Array.from({ length: SETTINGS.users }, (_, index) => ({
    username: `bench-cluster-${index}`,
    password: 'correct horse battery staple',
  }));
  const runs: StackRun[] = [];
  const workDir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-cluster-'));
  let postgres: TestPostgres | undefined;
  try {
    runs.push(
      await measureStack(
        'SQLite, 1 instance',
        log,
        async (run) => {
          const dataDir = join(workDir, 'sqlite');
          await mapPool(users.length, 2, (index) => {
            const user = users[index] as Credentials;
            return addUser(dataDir, { ...user, email: `${user.username}@example.test` });
          });
          const gatehouse = await startGatehouse({
            port: await freePort(),
            authPort: await freePort(),
            dataDir,
          });
          try {
            await run({
              publicUrl: gatehouse.publicUrl,
              directUrls: [gatehouse.publicUrl],
              pids: () => [gatehouse.pid],
            });
          } finally {
            await gatehouse.stop();
          }
        },
        users,
      ),
    );
    postgres = await startTestPostgres();
    for (const size of [1, 2]) {
      const database = postgres;
      runs.push(
        await measureStack(
          `PostgreSQL, ${size} API + ${size} auth (haproxy)`,
          log,
          async (run) => {
            const cluster = await startCluster({
              databaseUrl: await database.createDatabase(),
              apis: size,
              auths: size,
              env: { RATE_LIMIT_PER_MINUTE: '0' },
            });
            try {
              for (const user of users) {
                await cluster.cli(
                  [
                    'users',
                    'add',
                    user.username,
                    '--email',
                    `${user.username}@example.test`,
                    '--password-stdin',
                  ],
                  user.password,
                );
              }
              await run({
                publicUrl: cluster.apiUrl,
                directUrls: cluster.apis.map((api) => api.directUrl),
                pids: () => [...cluster.apis, ...cluster.auths].map((running) => running.pid),
              });
            } finally {
              await cluster.close();
            }
          },
          users,
        ),
      );
    }
  } finally {
    await postgres?.close();
    await rm(workDir, { recursive: true, force: true });
  }
  await mkdir(resultsDir, { recursive: true });
  const jsonPath = join(resultsDir, 'cluster.json');
  await writeFile(
    jsonPath,
    `${JSON.stringify({ startedAt: new Date().toISOString(), settings: SETTINGS, runs }, null, 2)}\n`,
  );
  return `${renderClusterReport(runs)}\n\nJSON: ${jsonPath}`;
}

/** Starts a stack with `start`, which calls `run` once it is up; every figure is attempted, a failure recorded. */
async function measureStack(
  name: string,
  log: (line: string) => void,
  start: (run: (stack: Stack) => Promise<void>) => Promise<void>,
  users: readonly Credentials[],
): Promise<StackRun> {
  const result: StackRun = { stack: name, errors: {} };
  const attempt = async <T>(what: string, measure: () => Promise<T>): Promise<T | undefined> => {
    log(`${name}: ${what}…`);
    try {
      return await measure();
    } catch (error) {
      result.errors[what] = error instanceof Error ? error.message : String(error);
      log(`${name}: ${what} failed: ${result.errors[what]}`);
      return undefined;
    }
  };
  try {
    await start(async (stack) => {
      result.signIns = await attempt('sign-ins', () =>
        measureSignIns({
          label: name,
          publicUrl: stack.publicUrl,
          users,
          inFlight: SETTINGS.signInInFlight,
          maxSeconds: SETTINGS.signInSeconds,
          maxCount: Number.POSITIVE_INFINITY,
          serverPid: stack.pids(),
        }),
      );
      result.refresh = await attempt('refresh grants', async () => {
        const clients = Array.from(
          { length: SETTINGS.refreshSessions },
          () => new GatehouseClient(stack.publicUrl),
        );
        await mapPool(clients.length, 4, (index) =>
          (clients[index] as GatehouseClient).signIn(users[index % users.length] as Credentials),
        );
        return measureRefresh(clients, SETTINGS.refreshSeconds, stack.pids());
      });
      const token = await attempt('a token for /api/me', async () => {
        const client = new GatehouseClient(stack.publicUrl);
        return (await client.signIn(users[0] as Credentials)).tokens.access_token;
      });
      if (token !== undefined) {
        const me = async (base: string, host: string): Promise<number> => {
          const load = {
            url: `${base}/api/me`,
            headers: { authorization: `Bearer ${token}`, host },
            connections: SETTINGS.meConnections,
          };
          await runLoad({ ...load, durationSeconds: 1 });
          const measured = await runLoad({ ...load, durationSeconds: SETTINGS.meSeconds });
          if (measured.non2xx > 0 || measured.errors > 0)
            throw new Error(`${measured.non2xx} answers not 2xx, ${measured.errors} errors`);
          return measured.requestsPerSecond;
        };
        const host = new URL(stack.publicUrl).host;
        result.meRps = await attempt('/api/me', () => me(stack.publicUrl, host));
        const direct = stack.directUrls[0];
        if (direct !== undefined && direct !== stack.publicUrl)
          result.meDirectRps = await attempt('/api/me direct', () => me(direct, host));
      }
      result.revocation = await attempt('revocation propagation', () =>
        measureRevocation({
          publicUrl: stack.publicUrl,
          directUrls: stack.directUrls,
          users,
          samples: SETTINGS.revocationSamples,
        }),
      );
    });
  } catch (error) {
    result.errors.start = error instanceof Error ? error.message : String(error);
    log(`${name}: did not start: ${result.errors.start}`);
  }
  return result;
}

/** The side-by-side table, with each PostgreSQL stack's ratio to SQLite and the goals of issue 13. */
export function renderClusterReport(runs: readonly StackRun[]): string {
  const sqlite = runs[0];
  const rows = runs.map((run) => [
    run.stack,
    fmt(run.signIns?.perSecond, 1),
    fmt(run.refresh?.perSecond),
    fmt(run.meRps),
    fmt(run.meDirectRps),
    fmt(run.revocation?.p50Ms, 1),
    fmt(run.revocation?.p99Ms, 1),
    String((run.signIns?.failed ?? 0) + (run.refresh?.failed ?? 0) + (run.revocation?.missed ?? 0)),
  ]);
  const ratios = runs
    .slice(1)
    .map((run) => [
      `${run.stack} ÷ SQLite`,
      fmt(ratio(run.signIns?.perSecond ?? Number.NaN, sqlite?.signIns?.perSecond ?? Number.NaN), 2),
      fmt(ratio(run.refresh?.perSecond ?? Number.NaN, sqlite?.refresh?.perSecond ?? Number.NaN), 2),
      fmt(ratio(run.meRps ?? Number.NaN, sqlite?.meRps ?? Number.NaN), 2),
      fmt(ratio(run.meDirectRps ?? Number.NaN, sqlite?.meRps ?? Number.NaN), 2),
      '',
      '',
      '',
    ]);
  const errors = runs.flatMap((run) =>
    Object.entries(run.errors).map(([what, message]) => `- ${run.stack}, ${what}: ${message.slice(0, 300)}`),
  );
  return [
    '## Cluster (npm run bench -- --cluster)',
    '',
    formatTable(
      [
        'stack',
        'sign-ins/s',
        'refresh/s',
        '/api/me req/s',
        '/api/me direct',
        'revoke p50 ms',
        'revoke p99 ms',
        'failed',
      ],
      [...rows, ...ratios],
    ),
    '',
    'Goals (issue 13): refresh on PostgreSQL ≥ 1,500/s; /api/me on PostgreSQL within 10% of SQLite; revocation p99 <',
    '100 ms; sign-ins on 2+2 ≥ 0.8× one SQLite instance on the same cores.',
    ...(errors.length > 0 ? ['', 'Errors:', ...errors] : []),
  ].join('\n');
}
