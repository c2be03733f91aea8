import type { RateLimitOptions } from '@fastify/rate-limit';

/** Per-route rate limit settings (`config.rateLimit`), or `false` when RATE_LIMIT_PER_MINUTE is 0. */
export type RouteRateLimit = false | RateLimitOptions;

/** RATE_LIMIT_PER_MINUTE requests per minute per address on one route; 0 turns the limit off. */
export function routeRateLimit(perMinute: number): RouteRateLimit {
  return perMinute === 0 ? false : { max: perMinute, timeWindow: 60_000 };
}
