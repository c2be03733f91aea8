import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startTestPostgres } from '@gatehouse/common/testing';
import { addUser } from '../gatehouse/add-user.js';
import { type Credentials, GatehouseClient } from '../gatehouse/gatehouse-client.js';
import { type RunningGatehouse, startGatehouse } from '../gatehouse/start-gatehouse.js';
import { runLoad } from '../harness/load.js';
import { resultsDir } from '../harness/paths.js';
import { mapPool } from '../harness/pool.js';
import { median } from '../harness/stats.js';
import { measureRefresh, type RefreshRun } from '../measures/refresh.js';
import { measureRevocationPropagation, type RevocationPropagation } from './revocation-propagation.js';

/** One backend's figures: one API process (with the embedded auth server beside it). */
export interface BackendRun {
  backend: 'sqlite' | 'postgres';
  refresh: RefreshRun;
  /** `/api/me` req/s, the median of alternating rounds, and every round's. */
  meRequestsPerSecond: number;
  meRounds: { requestsPerSecond: number; p99Ms: number; non2xx: number; errors: number }[];
}

/** What `npm run bench -- --postgres` reports. */
export interface PostgresBench {
  startedAt: string;
  settings: {
    refreshSessions: number;
    refreshSeconds: number;
    meConnections: number;
    meRounds: number;
    meRoundSeconds: number;
    revocationSamples: number;
  };
  runs: BackendRun[];
  /** `/api/me` on PostgreSQL over SQLite (goal: within 10%). */
  meRatio: number;
  revocation: RevocationPropagation;
}

const SECRET = randomBytes(32).toString('base64url');

/**
 * `npm run bench -- --postgres`: refresh grants/s and `/api/me` req/s for one API process on SQLite and on
 * PostgreSQL (a PostgreSQL 15 started for the run, loopback only), `/api/me` in alternating rounds so both
 * see the same machine load, and revocation propagation between two processes' stores (p50/p99). The
 * cluster run builds on this (`startBackend`).
 */
export async function runPostgresBench(log: (line: string) => void, quick: boolean): Promise<PostgresBench> {
  const settings = {
    refreshSessions: 8,
    refreshSeconds: quick ? 2 : 8,
    meConnections: 32,
    meRounds: quick ? 2 : 4,
    meRoundSeconds: quick ? 1 : 3,
    revocationSamples: quick ? 50 : 300,
  };
  const root = await mkdtemp(join(tmpdir(), 'gatehouse-bench-pg-'));
  log('starting PostgreSQL…');
  const postgres = await startTestPostgres();
  const started: RunningGatehouse[] = [];
  try {
    const user: Credentials = { username: 'bench-pg', password: randomBytes(12).toString('base64url') };
    const backends = [
      { backend: 'sqlite' as const, env: {} as Record<string, string> },
      {
        backend: 'postgres' as const,
        env: { DATABASE_URL: await postgres.createDatabase(), GATEHOUSE_SECRET: SECRET } as Record<
          string,
          string
        >,
      },
    ];
    const servers: {
      backend: 'sqlite' | 'postgres';
      gatehouse: RunningGatehouse;
      token: string;
      refresh: RefreshRun;
    }[] = [];
    for (const { backend, env } of backends) {
      const dataDir = join(root, backend);
      await mkdir(dataDir);
      await addUser(dataDir, { ...user, email: 'bench-pg@example.test' }, env);
      log(`${backend}: starting gatehouse…`);
      const gatehouse = await startGatehouse({
        port: await freePort(),
        authPort: await freePort(),
        dataDir,
        env,
      });
      started.push(gatehouse);
      const clients = Array.from(
        { length: settings.refreshSessions },
        () => new GatehouseClient(gatehouse.publicUrl),
      );
      await mapPool(clients.length, 4, async (index) => {
        await clients[index]?.signIn(user);
      });
      log(`${backend}: refresh grants…`);
      const refresh = await measureRefresh(clients, settings.refreshSeconds, gatehouse.pid);
      const tokenClient = new GatehouseClient(gatehouse.publicUrl);
      const token = (await tokenClient.signIn(user)).tokens.access_token;
      servers.push({ backend, gatehouse, token, refresh });
    }
    log('/api/me, alternating rounds…');
    const rounds = new Map<string, BackendRun['meRounds']>();
    for (const server of servers) {
      // Warm-up: the verified-token cache and the JIT.
      await runLoad({
        url: `${server.gatehouse.publicUrl}/api/me`,
        headers: { authorization: `Bearer ${server.token}` },
        connections: settings.meConnections,
        durationSeconds: 1,
      });
      rounds.set(server.backend, []);
    }
    for (let round = 0; round < settings.meRounds; round++) {
      const order = round % 2 === 0 ? servers : [...servers].reverse();
      for (const server of order) {
        const result = await runLoad({
          url: `${server.gatehouse.publicUrl}/api/me`,
          headers: { authorization: `Bearer ${server.token}` },
          connections: settings.meConnections,
          durationSeconds: settings.meRoundSeconds,
        });
        rounds.get(server.backend)?.push({
          requestsPerSecond: result.requestsPerSecond,
          p99Ms: result.p99Ms,
          non2xx: result.non2xx,
          errors: result.errors,
        });
      }
    }
    const runs: BackendRun[] = servers.map((server) => {
      const meRounds = rounds.get(server.backend) ?? [];
      return {
        backend: server.backend,
        refresh: server.refresh,
        meRequestsPerSecond: median(meRounds.map((round) => round.requestsPerSecond)),
        meRounds,
      };
    });
    for (const gatehouse of started.splice(0)) await gatehouse.stop();
    log('revocation propagation…');
    const revocation = await measureRevocationPropagation(
      await postgres.createDatabase(),
      SECRET,
      settings.revocationSamples,
    );
    const sqlite = runs.find((run) => run.backend === 'sqlite');
    const pg = runs.find((run) => run.backend === 'postgres');
    const report: PostgresBench = {
      startedAt: new Date().toISOString(),
      settings,
      runs,
      meRatio: (pg?.meRequestsPerSecond ?? 0) / (sqlite?.meRequestsPerSecond ?? 1),
      revocation,
    };
    await mkdir(resultsDir, { recursive: true });
    await writeFile(join(resultsDir, 'postgres.json'), `${JSON.stringify(report, null, 2)}\n`);
    return report;
  } finally {
    for (const gatehouse of started) await gatehouse.stop().catch(() => undefined);
    await postgres.close();
    await rm(root, { recursive: true, force: true });
  }
}

/** The report as a few lines of Markdown. */
export function renderPostgresBench(report: PostgresBench): string {
  const row = (run: BackendRun) =>
    `| ${run.backend} | ${run.refresh.perSecond.toFixed(0)} | ${run.refresh.p99Ms.toFixed(1)} | ${run.refresh.failed} | ${run.meRequestsPerSecond.toFixed(0)} | ${Math.max(...run.meRounds.map((round) => round.non2xx + round.errors))} |`;
  return [
    '| backend (1 API process) | refresh/s | refresh p99 ms | refresh failed | /api/me req/s | /api/me non-2xx+errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...report.runs.map(row),
    '',
    `/api/me on PostgreSQL / SQLite: ${report.meRatio.toFixed(2)}`,
    `revocation propagation between two processes' stores (${report.revocation.samples} samples): p50 ${report.revocation.p50Ms.toFixed(1)} ms, p99 ${report.revocation.p99Ms.toFixed(1)} ms, max ${report.revocation.maxMs.toFixed(1)} ms`,
    '',
  ].join('\n');
}
