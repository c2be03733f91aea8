import { performance } from 'node:perf_hooks';
import { type Credentials, GatehouseClient } from '../gatehouse/gatehouse-client.js';
import { httpRequest } from '../gatehouse/http-request.js';
import { mapPool } from '../harness/pool.js';
import { median, percentile } from '../harness/stats.js';

/** How long a logout takes to reach every API process: from the logout's answer to its token refused there. */
export interface RevocationRun {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Samples whose token was still accepted somewhere after the bound (must be 0). */
  missed: number;
}

/** The most a sample waits for a refusal: far beyond the goal (100 ms), so a miss is a miss, not a slow poll. */
const SAMPLE_LIMIT_MS = 5000;

/**
 * Signs `samples` sessions in through the public URL, then for each: `POST /api/logout` through the public URL, and
 * `GET /api/me` with its token on every API process directly (`directUrls`, around the proxy), again and again
 * until each refuses it. With one process this is the time to refuse on the one that logged out; with several,
 * the slowest process's time (LISTEN/NOTIFY, else the resync).
 */
export async function measureRevocation(options: {
  publicUrl: string;
  directUrls: readonly string[];
  users: readonly Credentials[];
  samples: number;
}): Promise<RevocationRun> {
  const host = new URL(options.publicUrl).host;
  const sessions = await mapPool(options.samples, 4, async (index) => {
    const client = new GatehouseClient(options.publicUrl);
    const user = options.users[index % options.users.length];
    if (user === undefined) throw new Error('no users');
    const { tokens } = await client.signIn(user);
    return { client, token: tokens.access_token };
  });
  const times: number[] = [];
  let missed = 0;
  for (const session of sessions) {
    const status = await session.client.logout();
    if (status !== 200) throw new Error(`POST /api/logout answered ${status}`);
    const loggedOut = performance.now();
    const refusedAt = await Promise.all(
      options.directUrls.map(async (url) => {
        while (performance.now() - loggedOut < SAMPLE_LIMIT_MS) {
          const answer = await httpRequest(`${url}/api/me`, {
            method: 'GET',
            headers: { authorization: `Bearer ${session.token}`, host },
            timeoutMs: SAMPLE_LIMIT_MS,
          });
          if (answer.status === 401) return performance.now();
        }
        return undefined;
      }),
    );
    if (refusedAt.some((at) => at === undefined)) missed += 1;
    else times.push(Math.max(...refusedAt.map((at) => (at ?? loggedOut) - loggedOut)));
  }
  return {
    samples: sessions.length,
    p50Ms: median(times),
    p99Ms: percentile(times, 99),
    maxMs: times.length === 0 ? Number.NaN : Math.max(...times),
    missed,
  };
}
