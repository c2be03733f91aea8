import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { hash } from '@node-rs/argon2';
import { median, percentile } from '../harness/stats.js';

/** The sign-in ceiling set by password hashing: every core hashing, one hash per password sign-in. */
export interface HashLimit {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
  samples: number;
  hashMs: number;
  hashP99Ms: number;
  cores: number;
  /** cores ÷ (median hash time in seconds). */
  limitPerSecond: number;
  /**
   * Hashes per second with `cores` hashes always in flight and nothing else running: what the machine really
   * sustains when only hashing (argon2id's 19 MiB per hash competes for caches and memory bandwidth).
   */
  concurrentPerSecond: number;
}

// OWASP Password Storage Cheat Sheet: argon2id m=19456 KiB (19 MiB), t=2, p=1; the parameters Gatehouse uses.
const PARAMETERS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * Times `samples` sequential argon2id hashes with @node-rs/argon2 (after 3 unrecorded warm-ups), and derives
 * the hashing limit: a password sign-in costs one hash, and at best every core hashes at once. Then runs
 * `samples` more with one per core in flight, for the rate hashing alone reaches on this machine.
 */
export async function measureHashLimit(samples: number): Promise<HashLimit> {
  const times: number[] = [];
  for (let index = -3; index < samples; index += 1) {
    const started = performance.now();
    const encoded = await hash(`bench-password-${index}`, PARAMETERS);
    const elapsed = performance.now() - started;
    if (!encoded.startsWith('$argon2id$'))
      throw new Error(`expected an argon2id hash, got ${encoded.slice(0, 12)}`);
    if (index >= 0) times.push(elapsed);
  }
  const hashMs = median(times);
  const cores = availableParallelism();
  let started = 0;
  const concurrentStart = performance.now();
  const lane = async (): Promise<void> => {
    while (started < samples) {
      started += 1;
      await hash(`bench-password-concurrent-${started}`, PARAMETERS);
    }
  };
  await Promise.all(Array.from({ length: cores }, lane));
  const concurrentPerSecond = samples / ((performance.now() - concurrentStart) / 1000);
  return {
    ...PARAMETERS,
    samples,
    hashMs,
    hashP99Ms: percentile(times, 99),
    cores,
    limitPerSecond: cores / (hashMs / 1000),
    concurrentPerSecond,
  };
}
