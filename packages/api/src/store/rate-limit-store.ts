/** One counter after a hit: how many hits the window holds and when it resets (epoch ms). */
export interface RateLimitCount {
  count: number;
  resetAt: number;
}

/**
 * Rate-limit counters shared by every API process (per route and client address), in fixed windows: a client
 * cannot get N times the limit by spreading its requests over N processes.
 */
export interface RateLimitStore {
  /** Counts one hit on `key` in the window of `windowMs` that holds `now`, starting one if none is open. */
  hitRateLimit(key: string, windowMs: number, now: number): Promise<RateLimitCount>;
}
