import { performance } from 'node:perf_hooks';
import { PostgresApiStore } from '@gatehouse/api';
import { createLogger, GatehouseSecret } from '@gatehouse/common';
import { median, percentile } from '../harness/stats.js';

/** Time from a revocation's commit on one process to its notice on another. */
export interface RevocationPropagation {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * Revokes `samples` sessions one after another through one store (process A's pool) and times, for each, from
 * the revoking statement's start to the moment a second store (process B: its own pool and LISTEN connection)
 * is told; sequential, so each figure is one revocation's path alone. Both stores are in this process: what is
 * measured is the database's round trip and NOTIFY delivery, which two processes pay alike.
 */
export async function measureRevocationPropagation(
  url: string,
  secretValue: string,
  samples: number,
): Promise<RevocationPropagation> {
  const secret = GatehouseSecret.fromEnv({ GATEHOUSE_SECRET: secretValue });
  const logger = createLogger({ name: 'bench', level: 'warn' }, { write: () => undefined });
  const [a, b] = await Promise.all([
    PostgresApiStore.open({ url, secret, logger }),
    PostgresApiStore.open({ url, secret, logger }),
  ]);
  const waiting = new Map<string, () => void>();
  let listening: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    listening = resolve;
  });
  const stop = b.watchRevocations({
    revoked: (session) => waiting.get(session.id)?.(),
    resync: () => listening(),
  });
  try {
    await ready;
    const now = Date.now();
    const latencies: number[] = [];
    for (let i = 0; i < samples; i++) {
      const id = `bench-revocation-${now}-${i}`;
      await a.createSession(
        {
          id,
          sub: 'bench',
          providerSid: null,
          idTokenSealed: null,
          scope: null,
          createdAt: now,
          absoluteExpiresAt: now + 3_600_000,
          revokedAt: null,
        },
        now + 3_600_000,
      );
      const arrived = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`revocation ${i} never arrived`)), 5000);
        waiting.set(id, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      const started = performance.now();
      await a.revokeSession(id, 'logout', Date.now());
      await arrived;
      latencies.push(performance.now() - started);
      waiting.delete(id);
    }
    return {
      samples,
      p50Ms: median(latencies),
      p99Ms: percentile(latencies, 99),
      maxMs: Math.max(...latencies),
    };
  } finally {
    await stop();
    await Promise.all([a.close(), b.close()]);
  }
}
