import { performance } from 'node:perf_hooks';
import { type Credentials, GatehouseClient } from '../gatehouse/gatehouse-client.js';
import type { RunningGatehouse } from '../gatehouse/start-gatehouse.js';
import { type CpuShare, startCpuShare } from '../harness/cpu-time.js';
import { type ProcessRss, processTreeRss } from '../harness/process-rss.js';

/** Resident memory of a fresh Gatehouse before and after creating `sessions` live refresh sessions. */
export interface SessionMemory {
  target: number;
  sessions: number;
  seconds: number;
  perSecond: number;
  silentSignIns: number;
  failed: number;
  /** Cores busy in the Gatehouse process and in the bench process while sessions were created. */
  cpu: CpuShare;
  idle: ProcessRss[];
  loaded: ProcessRss[];
  /**
   * After a restart on the same data directory, the sessions still live (they are stored, not held in
   * memory), before any request: tells memory the sessions need from memory the load left behind.
   */
  restarted?: ProcessRss[];
  firstError?: string;
}

/**
 * Creates refresh sessions through the real API path: every `GET /api/callback` mints one. A person signing
 * in again from the same browser is what makes this fast enough: after one password sign-in per browser, the
 * auth server's own session answers the authorize request without the form (OIDC Core 3.1.2.1, no
 * `prompt=login`), so each further sign-in is `/api/login` → authorize → `/api/callback`. Every session stays
 * live server-side (nothing revokes it; the client merely keeps the newest cookie). RSS is read from
 * /proc/<pid>/status (VmRSS) before and after, for the `gatehouse start` process and any children.
 */
export async function measureSessionMemory(
  gatehouse: RunningGatehouse,
  user: Credentials,
  target: number,
  inFlight: number,
  maxSeconds: number,
  log: (line: string) => void,
): Promise<SessionMemory> {
  const idle = processTreeRss(gatehouse.pid);
  let sessions = 0;
  let silentSignIns = 0;
  let failed = 0;
  let firstError: string | undefined;
  let started = 0;
  const cpu = startCpuShare(gatehouse.pid);
  const begin = performance.now();
  const deadline = begin + maxSeconds * 1000;
  let nextReport = 1000;
  // Each browser's first (password) sign-in runs alone: concurrent sign-ins of one account from one address
  // are throttled by design (docs/security.md 32 counts attempts in flight), and that is not what this measures.
  const clients = Array.from({ length: inFlight }, () => new GatehouseClient(gatehouse.publicUrl));
  for (const client of clients) {
    started += 1;
    try {
      await client.signIn(user);
      sessions += 1;
    } catch (error) {
      failed += 1;
      firstError ??= error instanceof Error ? error.message : String(error);
    }
  }
  await Promise.all(
    clients.map(async (client) => {
      while (started < target && performance.now() < deadline && failed < 50) {
        started += 1;
        try {
          const result = await client.signIn(user);
          sessions += 1;
          if (!result.askedForPassword) silentSignIns += 1;
          if (sessions >= nextReport) {
            log(`  ${sessions} sessions, ${Math.round(sessions / ((performance.now() - begin) / 1000))}/s`);
            nextReport += 1000;
          }
        } catch (error) {
          failed += 1;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  const cpuShare = cpu();
  const seconds = (performance.now() - begin) / 1000;
  // Let in-flight work and timers settle before reading resident memory.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return {
    target,
    sessions,
    seconds,
    perSecond: sessions / seconds,
    silentSignIns,
    failed,
    cpu: cpuShare,
    idle,
    loaded: processTreeRss(gatehouse.pid),
    ...(firstError === undefined ? {} : { firstError }),
  };
}
