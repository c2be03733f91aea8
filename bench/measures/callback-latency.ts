import { performance } from 'node:perf_hooks';
import { type Credentials, GatehouseClient } from '../gatehouse/gatehouse-client.js';
import { median, percentile } from '../harness/stats.js';

/** `GET /api/callback` latency measured one sign-in at a time (no queueing behind other requests). */
export interface CallbackLatency {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  /** How many of the sign-ins the auth server completed from its session, without the password form. */
  silent: number;
}

/**
 * Sequential sign-ins from one browser until `count` or `maxSeconds`; only the `/api/callback` request is
 * timed: steps 8–10 (token request to the embedded auth server with client authentication and PKCE, ID token
 * validation, userinfo, minting the API token and a refresh session). The first sign-in is a warm-up.
 */
export async function measureCallbackLatency(
  publicUrl: string,
  user: Credentials,
  count: number,
  maxSeconds: number,
): Promise<CallbackLatency> {
  const client = new GatehouseClient(publicUrl);
  await client.signIn(user);
  const times: number[] = [];
  let silent = 0;
  const deadline = performance.now() + maxSeconds * 1000;
  while (times.length < count && performance.now() < deadline) {
    const result = await client.signIn(user);
    times.push(result.callbackMs);
    if (!result.askedForPassword) silent += 1;
  }
  return { samples: times.length, p50Ms: median(times), p99Ms: percentile(times, 99), silent };
}
