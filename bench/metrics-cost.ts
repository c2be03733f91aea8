import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@gatehouse/common/testing';
import { addClient } from './gatehouse/add-client.js';
import { addUser } from './gatehouse/add-user.js';
import { GatehouseClient } from './gatehouse/gatehouse-client.js';
import { type RunningExample, startExample } from './gatehouse/start-example.js';
import { type RunningGatehouse, startGatehouse } from './gatehouse/start-gatehouse.js';
import { runAlternating } from './harness/alternate.js';
import { startCpuShare } from './harness/cpu-time.js';
import { type LoadResult, runLoad } from './harness/load.js';
import { median } from './harness/stats.js';

// `node bench/dist/metrics-cost.js` (after `npm run build`): what counting costs the hot path. `/api/me` of two
// `gatehouse start` stacks, METRICS=on and METRICS=off, and the plugin-guarded `/api/hello` of two Fastify
// examples the same way, in alternating rounds (32 connections, 5 rounds of 3 s, as `npm run bench`). Prints the
// medians and on ÷ off; the metrics must stay within 5 %. A measurement, not a test: run it on a quiet machine.
// Besides the rates, the server's CPU time per request (its process tree, from /proc): on a machine shared with
// other work the rates of two stacks drift apart by more than 5 % between runs, the CPU each request costs less.
const quick = process.env.BENCH_QUICK === '1';
const rounds = quick ? 2 : 5;
const roundSeconds = quick ? 1 : 3;
const connections = 32;
const env = { RATE_LIMIT_PER_MINUTE: '0', NODE_ENV: 'production', LOG_LEVEL: 'warn' };
const user = { username: 'bench-metrics', password: 'correct horse battery staple' };
const log = (line: string) => process.stderr.write(`[metrics-cost] ${line}\n`);
// `METRICS_COST_SAME=off node bench/dist/metrics-cost.js`: an A/A run, both sides with METRICS=off (the labels
// stay on/off), to see how far two identical stacks drift apart on this machine.
const same = process.env.METRICS_COST_SAME === 'off' ? 'off' : undefined;
const metricsOf = (side: 'on' | 'off'): 'on' | 'off' => same ?? side;

const workDir = await mkdtemp(join(tmpdir(), 'gatehouse-metrics-cost-'));
const running: { stop: () => Promise<void> }[] = [];
try {
  const stacks: Record<'on' | 'off', RunningGatehouse> = {} as Record<'on' | 'off', RunningGatehouse>;
  for (const metrics of ['on', 'off'] as const) {
    const dataDir = join(workDir, metrics);
    await addUser(dataDir, { ...user, email: `${user.username}@example.test` });
    log(`starting gatehouse with METRICS=${metrics}`);
    const stack = await startGatehouse({
      port: await freePort(),
      authPort: await freePort(),
      dataDir,
      env: { METRICS: metricsOf(metrics) },
    });
    running.push(stack);
    stacks[metrics] = stack;
  }
  // Both examples sign in at the METRICS=on stack's auth server (what is measured is their own guard).
  const examples: Record<'on' | 'off', RunningExample> = {} as Record<'on' | 'off', RunningExample>;
  for (const metrics of ['on', 'off'] as const) {
    const port = await freePort();
    const client = { id: `bench-example-${metrics}`, secret: randomBytes(32).toString('base64url') };
    await addClient(join(workDir, 'on'), { ...client, publicUrl: `http://localhost:${port}` });
    log(`starting the Fastify example with METRICS=${metrics}`);
    const example = await startExample({
      port,
      issuer: stacks.on.authUrl,
      clientId: client.id,
      clientSecret: client.secret,
      dataDir: join(workDir, `example-${metrics}`),
      env: { ...env, METRICS: metricsOf(metrics) },
    });
    running.push(example);
    examples[metrics] = example;
  }
  const token = async (url: string) => (await new GatehouseClient(url).signIn(user)).tokens.access_token;
  // Off before on in each pair: whatever drift there is within a round, it does not favour the metrics.
  const targets = [
    {
      name: '/api/me METRICS=off',
      url: `${stacks.off.publicUrl}/api/me`,
      pid: stacks.off.pid,
      token: await token(stacks.off.publicUrl),
    },
    {
      name: '/api/me METRICS=on',
      url: `${stacks.on.publicUrl}/api/me`,
      pid: stacks.on.pid,
      token: await token(stacks.on.publicUrl),
    },
    {
      name: 'guarded METRICS=off',
      url: `${examples.off.url}/api/hello`,
      pid: examples.off.pid,
      token: await token(examples.off.url),
    },
    {
      name: 'guarded METRICS=on',
      url: `${examples.on.url}/api/hello`,
      pid: examples.on.pid,
      token: await token(examples.on.url),
    },
  ];
  const results = await runAlternating<LoadResult & { cpuUsPerRequest: number }>(
    targets.map((target) => ({
      name: target.name,
      run: async (seconds) => {
        const cpu = startCpuShare(target.pid);
        const result = await runLoad({
          url: target.url,
          headers: { authorization: `Bearer ${target.token}` },
          connections,
          durationSeconds: seconds,
        });
        // Cores busy ÷ requests per second: CPU seconds per request.
        return { ...result, cpuUsPerRequest: (cpu().server / result.requestsPerSecond) * 1e6 };
      },
    })),
    {
      rounds,
      roundSeconds,
      warmUpSeconds: 1,
      onRound: (round, name, result) =>
        log(`round ${round} ${name}: ${result.requestsPerSecond.toFixed(0)} req/s`),
    },
  );
  const summary = new Map<string, { rps: number; p50: number; p99: number; cpuUs: number; bad: number }>();
  for (const [name, runs] of results) {
    summary.set(name, {
      rps: median(runs.map((run) => run.requestsPerSecond)),
      p50: median(runs.map((run) => run.p50Ms)),
      p99: median(runs.map((run) => run.p99Ms)),
      cpuUs: median(runs.map((run) => run.cpuUsPerRequest)),
      bad: runs.reduce((sum, run) => sum + run.non2xx + run.errors, 0),
    });
  }
  const lines = [
    `${connections} connections, ${rounds} rounds of ${roundSeconds} s, medians${quick ? ' (BENCH_QUICK: not comparable)' : ''}${same ? ' (A/A: METRICS=off on both sides)' : ''}`,
  ];
  for (const [name, row] of summary) {
    lines.push(
      `${name.padEnd(22)} ${row.rps.toFixed(0).padStart(7)} req/s  p50 ${row.p50.toFixed(2)} ms  p99 ${row.p99.toFixed(2)} ms  cpu ${row.cpuUs.toFixed(1)} µs/request  non-2xx+errors ${row.bad}`,
    );
  }
  const ratio = (on: string, off: string, field: 'rps' | 'cpuUs') =>
    ((summary.get(on)?.[field] ?? 0) / (summary.get(off)?.[field] ?? Number.NaN)).toFixed(3);
  for (const [label, prefix] of [
    ['/api/me', '/api/me'],
    ['guarded', 'guarded'],
  ] as const) {
    const on = `${prefix} METRICS=on`;
    const off = `${prefix} METRICS=off`;
    lines.push(
      `${label} on ÷ off: rate ${ratio(on, off, 'rps')}, CPU per request ${ratio(on, off, 'cpuUs')} (within 5 %: rate ≥ 0.95, CPU ≤ 1.05)`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  for (const part of running.reverse()) await part.stop().catch(() => undefined);
  await rm(workDir, { recursive: true, force: true });
}
