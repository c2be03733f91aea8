import { instanceResidentMb } from '../harness/process-rss.js';
import { ratio } from '../harness/stats.js';
import type { BenchResults } from './bench-results.js';
import { fmt, formatTable } from './table.js';

/** The human-readable report of a run: machine, conditions, one table per measurement, then the targets. */
export function renderReport(results: BenchResults): string {
  const { machine, settings } = results;
  const out: string[] = [];
  out.push(`Gatehouse benchmark, ${results.startedAt} (${fmt(results.durationSeconds)} s)`);
  out.push(
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}, ` +
      `${machine.platform}; load average at start ${machine.loadAverage.join(' ')}`,
  );
  out.push(
    `Gatehouse: ${Object.entries(results.gatehouseEnv)
      .map(([key, value]) => `${key}=${value}`)
      .join(' ')} (rate limits are policy, not capacity: off for benchmarks); loopback only.`,
  );
  if (settings.quick) out.push('BENCH_QUICK=1: shortened smoke run, figures are not comparable.');

  const me = results.meComparison;
  if (me) {
    out.push('');
    out.push(
      `1. GET /api/me, one valid ${me.alg} bearer for every target; autocannon ${me.connections} connections; ` +
        `${me.rounds} alternating rounds x ${me.roundSeconds} s after a ${me.warmUpSeconds} s warm-up; medians`,
    );
    const meRps = me.targets[0]?.requestsPerSecond ?? Number.NaN;
    // The plugin-guarded route of a team's app (the Fastify example), when it ran: its own ratio column.
    const hello = me.targets.find((target) => target.name.includes('/api/hello'));
    const helloRps = hello?.requestsPerSecond ?? Number.NaN;
    out.push(
      formatTable(
        [
          'target',
          'req/s',
          'p50 ms',
          'p99 ms',
          'non-2xx',
          'errors',
          'cpu srv/bench',
          '/api/me ÷ it',
          ...(hello ? ['/api/hello ÷ it'] : []),
        ],
        me.targets.map((target) => [
          target.name,
          target.failure ? `failed: ${target.failure.slice(0, 60)}` : fmt(target.requestsPerSecond),
          fmt(target.p50Ms, 1),
          fmt(target.p99Ms, 1),
          fmt(target.non2xx),
          fmt(target.errors),
          `${fmt(target.serverCores, 2)}/${fmt(target.benchCores, 2)}`,
          fmt(ratio(meRps, target.requestsPerSecond), 2),
          ...(hello ? [fmt(ratio(helloRps, target.requestsPerSecond), 2)] : []),
        ]),
      ),
    );
    // The gateway, when it ran: its own process and its upstream's in "cpu srv", and what it costs over the
    // upstream alone and against an upstream that verifies the token itself.
    if (me.targets.some((target) => target.name.startsWith('gateway '))) {
      out.push(
        `   gateway (gatehouse start api + UPSTREAM_URL, GET /api/hello forwarded to a node:http upstream): ` +
          `÷ the upstream alone ${fmt(me.ratios.gatewayOverUpstream, 2)}, ` +
          `÷ node:http + jose ${fmt(me.ratios.gatewayOverNodeJose, 2)}, ` +
          `÷ gatehouse /api/me ${fmt(me.ratios.gatewayOverMe, 2)}`,
      );
    }
  }

  const hash = results.hashLimit;
  const signIns = [results.signInsPassword, results.signInsTotp, results.signInsPasskey].filter(
    (run) => run !== undefined,
  );
  if (signIns.length > 0 || hash) {
    out.push('');
    out.push(
      `2. Full sign-ins over HTTP (/api/login, sign-in form, /api/callback), new browser each, ${settings.signInInFlight} in flight`,
    );
    if (signIns.length > 0) {
      out.push(
        formatTable(
          [
            'kind',
            'done',
            'failed',
            'seconds',
            'sign-ins/s',
            'p50 ms',
            'p99 ms',
            '÷ hash limit',
            '÷ hashing alone',
            'cpu gh/bench',
          ],
          signIns.map((run) => [
            run.label,
            fmt(run.completed),
            fmt(run.failed),
            fmt(run.seconds, 1),
            fmt(run.perSecond, 1),
            fmt(run.totalP50Ms, 1),
            fmt(run.totalP99Ms, 1),
            fmt(ratio(run.perSecond, hash?.limitPerSecond ?? Number.NaN), 2),
            fmt(ratio(run.perSecond, hash?.concurrentPerSecond ?? Number.NaN), 2),
            `${fmt(run.cpu.server, 2)}/${fmt(run.cpu.bench, 2)}`,
          ]),
        ),
      );
      for (const run of signIns)
        if (run.firstError) out.push(`   first failure (${run.label}): ${run.firstError}`);
    }
    if (hash) {
      out.push(
        `   hash limit: argon2id m=${hash.memoryCost} t=${hash.timeCost} p=${hash.parallelism} (@node-rs/argon2) ` +
          `${fmt(hash.hashMs, 1)} ms/hash median of ${hash.samples} (p99 ${fmt(hash.hashP99Ms, 1)}), ` +
          `${hash.cores} cores -> ${fmt(hash.limitPerSecond)} hashes/s; hashing alone with ${hash.cores} in flight ` +
          `reaches ${fmt(hash.concurrentPerSecond)} hashes/s (${fmt(ratio(hash.concurrentPerSecond, hash.limitPerSecond), 2)} of the limit)`,
      );
    }
  }

  const refresh = results.refresh;
  if (refresh) {
    out.push('');
    out.push(
      `3. Refresh grants (POST /api/refresh), ${refresh.sessions} sessions in parallel, each sequential (cookie rotates)`,
    );
    out.push(
      formatTable(
        ['grants', 'failed', 'seconds', 'grants/s', 'p50 ms', 'p99 ms', 'cpu gh/bench'],
        [
          [
            fmt(refresh.completed),
            fmt(refresh.failed),
            fmt(refresh.seconds, 1),
            fmt(refresh.perSecond),
            fmt(refresh.p50Ms, 1),
            fmt(refresh.p99Ms, 1),
            `${fmt(refresh.cpu.server, 2)}/${fmt(refresh.cpu.bench, 2)}`,
          ],
        ],
      ),
    );
    if (refresh.firstError) out.push(`   first failure: ${refresh.firstError}`);
  }

  const callback = results.callbackLatency;
  if (callback) {
    out.push('');
    out.push(
      `4. GET /api/callback against the embedded auth server, one at a time, ${callback.samples} sign-ins ` +
        `(${callback.silent} completed from the auth server's session): p50 ${fmt(callback.p50Ms, 1)} ms, ` +
        `p99 ${fmt(callback.p99Ms, 1)} ms`,
    );
  }

  const memory = results.sessionMemory;
  const startup = results.startup;
  if (memory || startup) {
    out.push('');
    out.push('5. Memory and start-up');
    if (memory) {
      const rss = (list: typeof memory.idle): string =>
        `RSS ${list.map((entry) => `${fmt(entry.rssMb, 1)} MB (pid ${entry.pid} ${entry.command})`).join(' + ')}; ` +
        `instance ${fmt(instanceResidentMb(list), 1)} MB (own pages ` +
        `${list.map((entry) => fmt(entry.anonymousMb, 1)).join(' + ')}, shared node binary and libraries once)`;
      out.push(`   idle after start: ${rss(memory.idle)}`);
      out.push(
        `   with ${fmt(memory.sessions)} live refresh sessions: ${rss(memory.loaded)}; created through /api/callback ` +
          `in ${fmt(memory.seconds, 1)} s (${fmt(memory.perSecond)}/s, ${fmt(memory.silentSignIns)} without the ` +
          `password form, ${memory.failed} failed; cpu gh/bench ${fmt(memory.cpu.server, 2)}/${fmt(memory.cpu.bench, 2)})`,
      );
      if (memory.restarted) {
        out.push(
          `   after a restart with those sessions stored, before any request: ${rss(memory.restarted)}`,
        );
      }
      if (memory.firstError) out.push(`   first failure: ${memory.firstError}`);
    }
    if (startup) {
      out.push(
        `   start-up to /readyz 200: first start ${fmt(startup.firstMs)} ms (creates keys), then ` +
          `${startup.runsMs.map((ms) => fmt(ms)).join(', ')} ms, median ${fmt(startup.medianMs)} ms`,
      );
    }
  }

  out.push('');
  out.push('Targets (issue 6)');
  out.push(formatTable(['target', 'measured', 'goal', 'met'], targetRows(results)));
  for (const [instance, logs] of Object.entries(results.gatehouseLogs)) {
    if (logs.count === 0) continue;
    out.push('');
    out.push(`Gatehouse (${instance} instance) logged ${logs.count} warning/error lines; the first:`);
    for (const line of logs.first.slice(0, 3)) out.push(`   ${line.slice(0, 400)}`);
  }
  const errors = Object.entries(results.errors);
  if (errors.length > 0) {
    out.push('');
    out.push('Not measured:');
    for (const [name, message] of errors) out.push(`   ${name}: ${message}`);
  }
  return out.join('\n');
}

function targetRows(results: BenchResults): string[][] {
  const rows: string[][] = [];
  const add = (
    name: string,
    value: number | undefined,
    goal: string,
    met: (value: number) => boolean,
    decimals = 2,
  ) => {
    const known = value !== undefined && Number.isFinite(value);
    rows.push([name, fmt(value, decimals), goal, known ? (met(value) ? 'yes' : 'NO') : 'n/a']);
  };
  const ratios = results.meComparison?.ratios;
  add('/api/me ÷ /healthz', ratios?.meOverHealthz, '>= 0.75', (v) => v >= 0.75);
  add('/api/me ÷ node:http + jose', ratios?.meOverNodeJose, '>= 2', (v) => v >= 2);
  add('/api/me ÷ fastify + @fastify/jwt', ratios?.meOverFastifyJwt, '>= 2.5', (v) => v >= 2.5);
  add('/api/me ÷ express-oauth2-jwt-bearer', ratios?.meOverExpressJwtBearer, '>= 3', (v) => v >= 3);
  add('/api/me non-2xx', results.meComparison?.targets[0]?.non2xx, '0', (v) => v === 0, 0);
  // The same goals for a route of a team's own app guarded by the plugin (the Fastify example's /api/hello),
  // against its app's open route where /api/me has /healthz.
  add("plugin-guarded /api/hello ÷ its app's open /", ratios?.helloOverOpen, '>= 0.75', (v) => v >= 0.75);
  add('plugin-guarded /api/hello ÷ node:http + jose', ratios?.helloOverNodeJose, '>= 2', (v) => v >= 2);
  add(
    'plugin-guarded /api/hello ÷ fastify + @fastify/jwt',
    ratios?.helloOverFastifyJwt,
    '>= 2.5',
    (v) => v >= 2.5,
  );
  add(
    'plugin-guarded /api/hello ÷ express-oauth2-jwt-bearer',
    ratios?.helloOverExpressJwtBearer,
    '>= 3',
    (v) => v >= 3,
  );
  const helloTarget = results.meComparison?.targets.find((target) => target.name.includes('/api/hello'));
  add('plugin-guarded /api/hello non-2xx', helloTarget?.non2xx, '0', (v) => v === 0, 0);
  const gatewayTarget = results.meComparison?.targets.find((target) => target.name.startsWith('gateway '));
  add('gateway /api/hello non-2xx', gatewayTarget?.non2xx, '0', (v) => v === 0, 0);
  const limit = results.hashLimit?.limitPerSecond ?? Number.NaN;
  add(
    'password sign-ins ÷ hash limit',
    ratio(results.signInsPassword?.perSecond ?? Number.NaN, limit),
    '>= 0.6',
    (v) => v >= 0.6,
  );
  add(
    'password+TOTP sign-ins ÷ hash limit',
    ratio(results.signInsTotp?.perSecond ?? Number.NaN, limit),
    '>= 0.6',
    (v) => v >= 0.6,
  );
  add(
    'passkey sign-ins ÷ password sign-ins',
    ratio(results.signInsPasskey?.perSecond ?? Number.NaN, results.signInsPassword?.perSecond ?? Number.NaN),
    '> 1',
    (v) => v > 1,
    2,
  );
  add('refresh grants/s', results.refresh?.perSecond, '>= 1,500', (v) => v >= 1500, 0);
  const loaded = results.sessionMemory?.loaded ?? [];
  const sessions = fmt(results.sessionMemory?.sessions);
  const largest = loaded.length > 0 ? Math.max(...loaded.map((entry) => entry.rssMb)) : undefined;
  add(`RSS MB of the largest process, ${sessions} sessions`, largest, '<= 150', (v) => v <= 150, 1);
  add(
    `MB of the whole instance, ${sessions} sessions`,
    instanceResidentMb(loaded),
    '<= 150',
    (v) => v <= 150,
    1,
  );
  add('start-up ms to /readyz (median)', results.startup?.medianMs, '< 1,500', (v) => v < 1500, 0);
  return rows;
}
