import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPostgres } from '@gatehouse/common/testing';
import type { Credentials } from './gatehouse/gatehouse-client.js';
import type { RunningGatehouse } from './gatehouse/start-gatehouse.js';
import { startStorageStack } from './gatehouse/start-storage-stack.js';
import { runAlternating } from './harness/alternate.js';
import { median } from './harness/stats.js';
import { measureSignIns, type SignInRun } from './measures/sign-ins.js';

// Issue 13: password sign-ins per second with the auth server's store on SQLite (DATA_DIR) and on PostgreSQL
// (DATABASE_URL), one `gatehouse start` each (the API on SQLite in both: only the auth server's storage
// differs), rounds alternated so drift on the shared 2 cores hits both alike. PostgreSQL is a throwaway server
// on loopback (`startTestPostgres`: fsync off, as in tests; a production server pays its commit flushes).
// Run: `npm run build --silent && node bench/dist/auth-storage.js` (about a minute; BENCH_QUICK=1 shorter).
// The cluster benchmark builds on `startStorageStack` (gatehouse/start-storage-stack.ts).
const quick = process.env.BENCH_QUICK === '1';
const ROUNDS = quick ? 2 : 4;
const ROUND_SECONDS = quick ? 3 : 8;
const IN_FLIGHT = 4;
const SECRET = 'bench-gatehouse-secret-0123456789abcdef0123';
const password = 'correct horse battery staple';
const users: Credentials[] = Array.from({ length: 4 }, (_, index) => ({
  username: `bench-pw-${index}`,
  password,
}));

const postgres = await startTestPostgres();
const dirs = [
  await mkdtemp(join(tmpdir(), 'gatehouse-storage-')),
  await mkdtemp(join(tmpdir(), 'gatehouse-storage-')),
];
const stacks: RunningGatehouse[] = [];
try {
  const sqlite = await startStorageStack(dirs[0] ?? '', users, {});
  stacks.push(sqlite);
  const pg = await startStorageStack(dirs[1] ?? '', users, {
    DATABASE_URL: await postgres.createDatabase(),
    GATEHOUSE_SECRET: SECRET,
  });
  stacks.push(pg);
  const contender = (name: string, stack: RunningGatehouse) => ({
    name,
    run: (seconds: number) =>
      measureSignIns({
        label: name,
        publicUrl: stack.publicUrl,
        users,
        inFlight: IN_FLIGHT,
        maxSeconds: seconds,
        maxCount: Number.POSITIVE_INFINITY,
        serverPid: stack.pid,
      }),
  });
  const results = await runAlternating([contender('SQLite', sqlite), contender('PostgreSQL', pg)], {
    rounds: ROUNDS,
    roundSeconds: ROUND_SECONDS,
    warmUpSeconds: 2,
    onRound: (round, name, run) =>
      process.stderr.write(`round ${round} ${name}: ${run.perSecond.toFixed(1)}/s (${run.failed} failed)\n`),
  });
  const rows = [...results.entries()].map(([name, runs]: [string, SignInRun[]]) => ({
    name,
    perSecond: median(runs.map((run) => run.perSecond)),
    authServerP50Ms: median(runs.map((run) => run.authServerP50Ms)),
    totalP50Ms: median(runs.map((run) => run.totalP50Ms)),
    failed: runs.reduce((sum, run) => sum + run.failed, 0),
    firstError: runs.find((run) => run.firstError)?.firstError,
  }));
  process.stdout.write(
    `Password sign-ins, ${IN_FLIGHT} in flight, median of ${ROUNDS} alternated rounds of ${ROUND_SECONDS} s:\n`,
  );
  process.stdout.write('auth store   sign-ins/s  auth-server leg p50  whole sign-in p50  failed\n');
  for (const row of rows) {
    process.stdout.write(
      `${row.name.padEnd(11)}  ${row.perSecond.toFixed(1).padStart(10)}  ${`${row.authServerP50Ms.toFixed(1)} ms`.padStart(19)}  ${`${row.totalP50Ms.toFixed(1)} ms`.padStart(17)}  ${String(row.failed).padStart(6)}${row.firstError ? `  (${row.firstError})` : ''}\n`,
    );
  }
} finally {
  for (const stack of stacks) await stack.stop();
  await postgres.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
}
