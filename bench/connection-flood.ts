import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '@gatehouse/common/testing';
import { addUser } from './gatehouse/add-user.js';
import { GatehouseClient } from './gatehouse/gatehouse-client.js';
import { startGatehouse } from './gatehouse/start-gatehouse.js';
import { percentile } from './harness/stats.js';

// `node bench/dist/connection-flood.js`: what an honest client sees while one address holds idle, half-sent
// connections to the API (docs/security.md 50). Loopback only, every phase and request bounded. Gatehouse runs
// under `ulimit -n` of DESCRIPTORS so that a flood of FLOOD connections is more than its descriptors;
// `BENCH_GATEHOUSE_BIN` points it at another build (the code before a change) for a before/after comparison.
const DESCRIPTORS = Number(process.env.FLOOD_DESCRIPTORS ?? 4096);
const FLOOD = Number(process.env.FLOOD_CONNECTIONS ?? 6000);
const PHASE_SECONDS = Number(process.env.FLOOD_SECONDS ?? 20);
const REQUEST_TIMEOUT_MS = 2000;
const FLOOD_ADDRESS = '127.0.0.2';
const HONEST_ADDRESS = '127.0.0.3';
const PARTIAL_HEADERS = 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n';

const log = (line: string): void => {
  process.stderr.write(`[flood] ${line}\n`);
};

/** One request on a new connection from HONEST_ADDRESS: its status (or error) and time. */
function honestRequest(
  port: number,
  path: string,
  token: string,
): Promise<{ ok: boolean; ms: number; outcome: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (ok: boolean, outcome: string) => resolve({ ok, ms: performance.now() - started, outcome });
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path,
        localAddress: HONEST_ADDRESS,
        agent: false,
        headers: { authorization: `Bearer ${token}` },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (incoming) => {
        incoming.resume();
        incoming.on('end', () => done(incoming.statusCode === 200, String(incoming.statusCode)));
        incoming.on('error', (error: NodeJS.ErrnoException) => done(false, error.code ?? 'error'));
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    outgoing.on('error', (error: NodeJS.ErrnoException) => done(false, error.code ?? 'error'));
    outgoing.end();
  });
}

/** Sequential honest requests for `seconds`: success rate, latency of the successes, failures by kind. */
async function honestPhase(port: number, token: string, seconds: number) {
  const results: { ok: boolean; ms: number; outcome: string }[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    results.push(await honestRequest(port, '/api/me', token));
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const ok = results.filter((result) => result.ok).map((result) => result.ms);
  const failures: Record<string, number> = {};
  for (const result of results.filter((item) => !item.ok)) {
    failures[result.outcome] = (failures[result.outcome] ?? 0) + 1;
  }
  return {
    requests: results.length,
    succeeded: ok.length,
    p50: ok.length === 0 ? Number.NaN : percentile(ok, 50),
    p99: ok.length === 0 ? Number.NaN : percentile(ok, 99),
    failures,
  };
}

/**
 * Holds up to `count` idle connections from FLOOD_ADDRESS that never finish their headers, opening at most
 * 200 at a time and, like a determined attacker, opening a new one for each the server closes (at most
 * `count` a second). Returns how many it holds now and a stop function.
 */
function startFlood(port: number, count: number) {
  const open = new Set<Socket>();
  let opening = 0;
  let stopped = false;
  let budget = count;
  const refill = setInterval(() => (budget = count), 1000);
  const pump = (): void => {
    while (!stopped && open.size + opening < count && opening < 200 && budget > 0) {
      budget -= 1;
      opening += 1;
      const socket = connect({ host: '127.0.0.1', port, localAddress: FLOOD_ADDRESS });
      let counted = false;
      socket.once('connect', () => {
        opening -= 1;
        counted = true;
        open.add(socket);
        socket.write(PARTIAL_HEADERS);
        pump();
      });
      socket.on('error', () => undefined);
      socket.once('close', () => {
        if (!counted) opening -= 1;
        open.delete(socket);
        setTimeout(pump, 5);
      });
    }
  };
  const ticker = setInterval(pump, 100);
  pump();
  return {
    held: () => open.size,
    stop: () => {
      stopped = true;
      clearInterval(refill);
      clearInterval(ticker);
      for (const socket of open) socket.destroy();
    },
  };
}

const workDir = await mkdtemp(join(tmpdir(), 'gatehouse-flood-'));
try {
  const user = { username: 'honest', password: 'a long passphrase for the honest user' };
  await addUser(workDir, { ...user, email: 'honest@example.test' });
  const port = await freePort();
  const gatehouse = await startGatehouse({
    port,
    authPort: await freePort(),
    dataDir: workDir,
    descriptorLimit: DESCRIPTORS,
  });
  try {
    const { tokens } = await new GatehouseClient(gatehouse.publicUrl).signIn(user);
    log(`Gatehouse up (ulimit -n ${DESCRIPTORS}); baseline ${PHASE_SECONDS} s…`);
    const baseline = await honestPhase(port, tokens.access_token, PHASE_SECONDS);
    log(`flood of ${FLOOD} connections from ${FLOOD_ADDRESS}…`);
    const flood = startFlood(port, FLOOD);
    // Let the flood reach what it can hold before measuring.
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const heldAtStart = flood.held();
    const during = await honestPhase(port, tokens.access_token, PHASE_SECONDS);
    const heldAtEnd = flood.held();
    flood.stop();
    const rows = [
      ['no flood', baseline, '—'],
      [`${FLOOD} from one address`, during, `${heldAtStart} / ${heldAtEnd}`],
    ] as const;
    const format = (value: number) => (Number.isNaN(value) ? '—' : value.toFixed(1));
    process.stdout.write(
      `Honest client on ${HONEST_ADDRESS}: GET /api/me (bearer) on a new connection each, ${REQUEST_TIMEOUT_MS} ms timeout, ${PHASE_SECONDS} s per phase\n`,
    );
    process.stdout.write(
      'phase                          requests  succeeded  p50 ms  p99 ms  failures              flood held (start/end)\n',
    );
    for (const [name, result, held] of rows) {
      const failures =
        Object.entries(result.failures)
          .map(([kind, n]) => `${kind} ${n}`)
          .join(', ') || '0';
      process.stdout.write(
        `${name.padEnd(30)} ${String(result.requests).padStart(8)}  ${String(result.succeeded).padStart(9)}  ${format(result.p50).padStart(6)}  ${format(result.p99).padStart(6)}  ${failures.padEnd(20)}  ${held}\n`,
      );
    }
  } finally {
    await gatehouse.stop();
  }
} finally {
  await rm(workDir, { recursive: true, force: true });
}
