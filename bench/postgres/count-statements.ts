import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger, openPostgres } from '@gatehouse/common';
import { freePort, startTestPostgres } from '@gatehouse/common/testing';
import { startCluster } from '../cluster/start-cluster.js';
import { addUser } from '../gatehouse/add-user.js';
import { type Credentials, GatehouseClient } from '../gatehouse/gatehouse-client.js';
import { startGatehouse } from '../gatehouse/start-gatehouse.js';
import { fmt, formatTable } from '../report/table.js';
import { childrenNamed, machineCpuSeconds, parentPid, treeCpuSeconds } from './cpu-groups.js';

/**
 * `node bench/dist/postgres/count-statements.js` (after `npm run build`): what a sign-in and a refresh cost on
 * PostgreSQL, statement by statement, and where a sign-in's CPU goes.
 *
 * 1. Statements. A throwaway PostgreSQL with `pg_stat_statements`, a cluster of `COUNT_SIZE` (1) API and auth
 *    processes behind haproxy as the cluster bench runs it; `COUNT_SIGNINS` (20) full password sign-ins one after
 *    the other, then `COUNT_REFRESHES` (200) refresh grants, each phase's calls per statement divided by the
 *    operations, less what the same stack runs idle for as long (health checks, the revocation resync, sweeps).
 *    node-postgres sends each statement as one round trip (BEGIN and COMMIT each one of their own).
 * 2. CPU. `CPU_SECONDS` (10) of sign-ins, 4 in flight, on a SQLite instance and on a 2 + 2 cluster: CPU seconds
 *    per sign-in of each group of processes (API, auth server, PostgreSQL with every backend, haproxy, this load
 *    generator, and the rest of the machine), from /proc.
 *
 * `RATE_LIMIT_PER_MINUTE` is passed on (the benches run with 0; unset, Gatehouse's default applies).
 */
const SIZE = Number(process.env.COUNT_SIZE ?? 1);
const SIGNINS = Number(process.env.COUNT_SIGNINS ?? 20);
const REFRESHES = Number(process.env.COUNT_REFRESHES ?? 200);
const CPU_SECONDS = Number(process.env.CPU_SECONDS ?? 10);
const rateLimit = process.env.RATE_LIMIT_PER_MINUTE;
const gatehouseEnv: Record<string, string> =
  rateLimit === undefined ? {} : { RATE_LIMIT_PER_MINUTE: rateLimit };

const users: Credentials[] = Array.from({ length: 4 }, (_, index) => ({
  username: `count-${index}`,
  password: 'correct horse battery staple',
}));

interface Statement {
  query: string;
  calls: number;
}

const log = (line: string) => process.stderr.write(`[count] ${line}\n`);

const postgres = await startTestPostgres();
const workDir = await mkdtemp(join(tmpdir(), 'gatehouse-count-'));
try {
  // pg_stat_statements needs a restart to load; the test server takes settings through ALTER SYSTEM.
  const quiet = createLogger({ name: 'count-statements', level: 'silent' });
  const admin = openPostgres(postgres.url, { applicationName: 'count-statements', logger: quiet, max: 1 });
  await admin.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
  await admin.end();
  await postgres.stop();
  await postgres.start();
  const stats = openPostgres(postgres.url, { applicationName: 'count-statements', logger: quiet, max: 1 });
  await stats.query('CREATE EXTENSION pg_stat_statements');
  const postmaster = parentPid(
    (await stats.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0,
  );

  const report: string[] = [];
  if (process.argv.includes('--cpu-only') === false) {
    const databaseUrl = await postgres.createDatabase();
    const database = new URL(databaseUrl).pathname.slice(1);
    const read = async (): Promise<Statement[]> => {
      const { rows } = await stats.query<{ query: string; calls: string }>(
        `SELECT s.query, s.calls FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
         WHERE d.datname = $1`,
        [database],
      );
      return rows.map((row) => ({ query: row.query.replace(/\s+/g, ' ').trim(), calls: Number(row.calls) }));
    };
    const reset = () => stats.query('SELECT pg_stat_statements_reset()');
    const cluster = await startCluster({ databaseUrl, apis: SIZE, auths: SIZE, env: gatehouseEnv });
    try {
      for (const user of users) {
        await cluster.cli(
          ['users', 'add', user.username, '--email', `${user.username}@example.test`, '--password-stdin'],
          user.password,
        );
      }
      // Warm: the first sign-in of each process loads keys, clients, discovery.
      for (let index = 0; index < SIZE * 2; index += 1) {
        await new GatehouseClient(cluster.apiUrl).signIn(users[index % users.length] as Credentials);
      }
      const phase = async (name: string, count: number, run: () => Promise<void>) => {
        await reset();
        const begin = performance.now();
        await run();
        const ms = performance.now() - begin;
        const busy = await read();
        await reset();
        await sleep(ms);
        const idle = await read();
        report.push(renderPhase(name, count, busy, idle, ms));
        log(`${name}: done`);
      };
      await phase(`sign-in (${SIZE} API + ${SIZE} auth)`, SIGNINS, async () => {
        for (let index = 0; index < SIGNINS; index += 1) {
          await new GatehouseClient(cluster.apiUrl).signIn(users[index % users.length] as Credentials);
        }
      });
      const client = new GatehouseClient(cluster.apiUrl);
      await client.signIn(users[0] as Credentials);
      await phase(`refresh (${SIZE} API + ${SIZE} auth)`, REFRESHES, async () => {
        for (let index = 0; index < REFRESHES; index += 1) await client.refresh();
      });
    } finally {
      await cluster.close();
    }
  }
  await stats.end();

  // CPU per sign-in: SQLite, then 2 + 2 on PostgreSQL.
  const cpuRows: string[][] = [];
  const refreshRows: string[][] = [];
  {
    const dataDir = join(workDir, 'sqlite');
    for (const user of users) await addUser(dataDir, { ...user, email: `${user.username}@example.test` });
    const gatehouse = await startGatehouse({
      port: await freePort(),
      authPort: await freePort(),
      dataDir,
    });
    try {
      await new GatehouseClient(gatehouse.publicUrl).signIn(users[0] as Credentials);
      cpuRows.push(
        await cpuOf(
          'SQLite, 1 instance',
          { 'gatehouse (api + auth)': () => treeCpuSeconds(gatehouse.pid) },
          () => signInsFor(gatehouse.publicUrl),
        ),
      );
      const refreshers = await signedIn(gatehouse.publicUrl);
      refreshRows.push(
        await cpuOf(
          'SQLite, 1 instance',
          { 'gatehouse (api + auth)': () => treeCpuSeconds(gatehouse.pid) },
          () => refreshesFor(refreshers),
        ),
      );
    } finally {
      await gatehouse.stop();
    }
  }
  {
    const cluster = await startCluster({
      databaseUrl: await postgres.createDatabase(),
      apis: 2,
      auths: 2,
      env: { RATE_LIMIT_PER_MINUTE: '0', ...gatehouseEnv },
    });
    try {
      for (const user of users) {
        await cluster.cli(
          ['users', 'add', user.username, '--email', `${user.username}@example.test`, '--password-stdin'],
          user.password,
        );
      }
      for (let index = 0; index < 4; index += 1) {
        await new GatehouseClient(cluster.apiUrl).signIn(users[index] as Credentials);
      }
      const haproxies = childrenNamed('haproxy');
      const groups = {
        api: () => cluster.apis.reduce((sum, part) => sum + treeCpuSeconds(part.pid), 0),
        auth: () => cluster.auths.reduce((sum, part) => sum + treeCpuSeconds(part.pid), 0),
        postgres: () => (postmaster === undefined ? Number.NaN : treeCpuSeconds(postmaster)),
        haproxy: () => haproxies.reduce((sum, pid) => sum + treeCpuSeconds(pid), 0),
      };
      const refreshers = await signedIn(cluster.apiUrl);
      refreshRows.push(await cpuOf('PostgreSQL, 2 API + 2 auth', groups, () => refreshesFor(refreshers)));
      cpuRows.push(await cpuOf('PostgreSQL, 2 API + 2 auth', groups, () => signInsFor(cluster.apiUrl)));
    } finally {
      await cluster.close();
    }
  }
  report.push(
    [
      `CPU ms per sign-in (${CPU_SECONDS} s, 4 in flight, password, a new browser each)`,
      formatTable(['stack', 'sign-ins/s', 'groups (ms per sign-in)', 'bench', 'rest', 'machine'], cpuRows),
      '',
      `CPU ms per refresh (${CPU_SECONDS / 2} s, 8 sessions)`,
      formatTable(['stack', 'refresh/s', 'groups (ms per refresh)', 'bench', 'rest', 'machine'], refreshRows),
    ].join('\n'),
  );
  process.stdout.write(`${report.join('\n\n')}\n`);
} finally {
  await postgres.close();
  await rm(workDir, { recursive: true, force: true });
}

/** Statements per operation, busy less idle, the largest first. */
function renderPhase(
  name: string,
  count: number,
  busy: readonly Statement[],
  idle: readonly Statement[],
  ms: number,
): string {
  const idleCalls = new Map<string, number>();
  for (const entry of idle) idleCalls.set(entry.query, (idleCalls.get(entry.query) ?? 0) + entry.calls);
  const merged = new Map<string, number>();
  for (const entry of busy) merged.set(entry.query, (merged.get(entry.query) ?? 0) + entry.calls);
  const rows = [...merged]
    .map(([query, calls]) => ({ query, perOp: (calls - (idleCalls.get(query) ?? 0)) / count }))
    .filter((row) => row.perOp >= 0.05)
    .sort((a, b) => b.perOp - a.perOp);
  const total = rows.reduce((sum, row) => sum + row.perOp, 0);
  return [
    `${name}: ${count} in ${fmt(ms / 1000, 1)} s; statements (round trips) per operation: ${fmt(total, 1)}`,
    formatTable(
      ['per op', 'statement'],
      rows.map((row) => [fmt(row.perOp, 2), row.query.slice(0, 150)]),
    ),
  ].join('\n');
}

/** Sign-ins for {@link CPU_SECONDS}, 4 in flight, each from a new browser; resolves to how many were done. */
async function signInsFor(publicUrl: string): Promise<number> {
  const deadline = performance.now() + CPU_SECONDS * 1000;
  let done = 0;
  let started = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (performance.now() < deadline) {
        const user = users[started % users.length] as Credentials;
        started += 1;
        await new GatehouseClient(publicUrl).signIn(user);
        done += 1;
      }
    }),
  );
  return done;
}

/** 8 browsers signed in, for refresh grants. */
async function signedIn(publicUrl: string): Promise<GatehouseClient[]> {
  const clients = Array.from({ length: 8 }, () => new GatehouseClient(publicUrl));
  for (const [index, client] of clients.entries()) {
    await client.signIn(users[index % users.length] as Credentials);
  }
  return clients;
}

/** Refresh grants for half of {@link CPU_SECONDS}, each client one after the other; resolves to how many. */
async function refreshesFor(clients: readonly GatehouseClient[]): Promise<number> {
  let done = 0;
  const deadline = performance.now() + CPU_SECONDS * 500;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline) {
        await client.refresh();
        done += 1;
      }
    }),
  );
  return done;
}

/** Runs `load`; CPU ms per operation of each group, of this process (the load generator) and of the rest. */
async function cpuOf(
  name: string,
  groups: Record<string, () => number>,
  load: () => Promise<number>,
): Promise<string[]> {
  const before = Object.fromEntries(Object.entries(groups).map(([key, read]) => [key, read()]));
  const machineBefore = machineCpuSeconds();
  const benchBefore = process.cpuUsage();
  const begin = performance.now();
  const done = await load();
  const seconds = (performance.now() - begin) / 1000;
  const bench = process.cpuUsage(benchBefore);
  const benchSeconds = (bench.user + bench.system) / 1e6;
  const machine = machineCpuSeconds() - machineBefore;
  let counted = benchSeconds;
  const parts = Object.entries(groups).map(([key, read]) => {
    const used = read() - (before[key] ?? Number.NaN);
    counted += used;
    return `${key} ${fmt((used * 1000) / done, 2)}`;
  });
  log(`${name}: ${done} done`);
  return [
    name,
    fmt(done / seconds, 1),
    parts.join(', '),
    fmt((benchSeconds * 1000) / done, 2),
    fmt(((machine - counted) * 1000) / done, 2),
    fmt((machine * 1000) / done, 2),
  ];
}
