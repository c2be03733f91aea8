import type { RateLimitOptions } from '@fastify/rate-limit';
import type { TrustedProxies } from '@gatehouse/common';
import type { ApiMetrics } from '../metrics/api-metrics.js';
import { clientAddressFor } from './client-address.js';

/** Per-route rate limit settings (`config.rateLimit`), or `false` when RATE_LIMIT_PER_MINUTE is 0. */
export type RouteRateLimit = false | RateLimitOptions;

/**
 * RATE_LIMIT_PER_MINUTE requests per minute per address on one route; 0 turns the limit off. Each refusal is
 * counted in `metrics`, by route. The key is set per
 * route, so that an app's own `@fastify/rate-limit` (whose key generator may read `request.ip` as the app's
 * `trustProxy` says) never decides who the caller of Gatehouse's routes is (docs/security.md 37).
 */
export function routeRateLimit(
  perMinute: number,
  trust: TrustedProxies,
  metrics?: Pick<ApiMetrics, 'rateLimited'>,
): RouteRateLimit {
  if (perMinute === 0) return false;
  const limit: RateLimitOptions = {
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: clientAddressFor(trust),
  };
  // Counted by route pattern only: the key (the caller's address) never reaches a label (docs/security.md 47).
  if (metrics !== undefined)
    limit.onExceeded = (request) => metrics.rateLimited(request.routeOptions.url ?? '');
  return limit;
}
