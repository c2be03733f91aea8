import type { onRequestHookHandler } from 'fastify';
import { ApiError } from '../errors/api-error.js';
import type { ApiContext } from '../server/api-context.js';
import { clientAddressFor } from './client-address.js';

/** The hooks that limit one of Gatehouse's routes: none when RATE_LIMIT_PER_MINUTE is 0. */
export type RouteRateLimit = onRequestHookHandler[];

const WINDOW_MS = 60_000;

/**
 * RATE_LIMIT_PER_MINUTE requests per minute per client address on one route (0 turns the limit off), counted in
 * the store, so that every API process shares one count: a client cannot get N times the limit by spreading its
 * requests over N processes. One statement per request. The address is read here (docs/security.md 37) rather
 * than by an app's own `@fastify/rate-limit`, whose key generator may read `request.ip` as the app's
 * `trustProxy` says. Past the limit: 429 `rate_limited` with `Retry-After`.
 */
export function routeRateLimit(ctx: Pick<ApiContext, 'config' | 'store' | 'now'>): RouteRateLimit {
  const perMinute = ctx.config.rateLimitPerMinute;
  if (perMinute === 0) return [];
  const addressOf = clientAddressFor(ctx.config.trustProxy);
  const limit: onRequestHookHandler = async (request, reply) => {
    const now = ctx.now();
    const key = `${request.method} ${request.routeOptions.url ?? ''} ${addressOf(request)}`;
    const { count, resetAt } = await ctx.store.hitRateLimit(key, WINDOW_MS, now);
    const resetSeconds = Math.max(1, Math.ceil((resetAt - now) / 1000));
    reply.header('x-ratelimit-limit', perMinute);
    reply.header('x-ratelimit-remaining', Math.max(0, perMinute - count));
    reply.header('x-ratelimit-reset', resetSeconds);
    if (count > perMinute) {
      reply.header('retry-after', resetSeconds);
      throw new ApiError('rate_limited');
    }
  };
  return [limit];
}
