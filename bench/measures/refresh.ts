import { performance } from 'node:perf_hooks';
import type { GatehouseClient } from '../gatehouse/gatehouse-client.js';
import { type CpuShare, startCpuShare } from '../harness/cpu-time.js';
import { median, percentile } from '../harness/stats.js';

/** Refresh grants per second with several sessions rotating at once. */
export interface RefreshRun {
  sessions: number;
  completed: number;
  failed: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Cores busy in the Gatehouse process and in the bench process during the run. */
  cpu: CpuShare;
  firstError?: string;
}

/**
 * `POST /api/refresh` in parallel over signed-in clients, each strictly sequential because every answer
 * rotates its cookie (RFC 9700 4.14.2: a reused one would revoke the session). Stops at `seconds`; a session
 * whose refresh fails stops (its cookie is gone) and is counted.
 */
export async function measureRefresh(
  clients: readonly GatehouseClient[],
  seconds: number,
  serverPid: number | readonly number[],
): Promise<RefreshRun> {
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  const cpu = startCpuShare(serverPid);
  const begin = performance.now();
  const deadline = begin + seconds * 1000;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline) {
        const started = performance.now();
        try {
          await client.refresh();
          latencies.push(performance.now() - started);
        } catch (error) {
          failed += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
          return;
        }
      }
    }),
  );
  const cpuShare = cpu();
  const elapsed = (performance.now() - begin) / 1000;
  return {
    sessions: clients.length,
    completed: latencies.length,
    failed,
    seconds: elapsed,
    perSecond: latencies.length / elapsed,
    p50Ms: median(latencies),
    p99Ms: percentile(latencies, 99),
    cpu: cpuShare,
    ...(firstError === undefined ? {} : { firstError }),
  };
}
