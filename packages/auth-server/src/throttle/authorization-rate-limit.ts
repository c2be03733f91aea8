import { addressBucket, type Logger } from '@gatehouse/common';
import type { Context, Next } from 'koa';
import type { AuthMetrics } from '../metrics/auth-metrics.js';
import { errorPage } from '../pages/error-page.js';
import { formatWait } from '../pages/format-wait.js';
import type { ThrottleStore } from '../store/auth-store.js';

/** The authorization endpoint: each request there starts a sign-in and writes an interaction row. */
const AUTHORIZATION_PATH = '/auth';
/** The window of the limit, seconds. */
export const AUTHORIZATION_RATE_WINDOW_SECONDS = 60;

/**
 * Koa middleware: at most `perMinute` authorization requests per client address per minute (docs/security.md 50:
 * unbounded writes). Without it one client made ~1,700 interaction rows a second (auth.sqlite 0.4 → 15 MB in 10 s),
 * each kept for AUTH_INTERACTION_TTL. The address is the one the sign-in throttles use (the TCP peer, or the
 * last X-Forwarded-For entry behind AUTH_TRUST_PROXY; an IPv6 address by its /64). The counters are in the
 * store (one row per address and minute, durable and shared by processes), not in process memory, and a refused
 * request writes nothing. Past the limit: 429 with Retry-After, our page for a browser, JSON otherwise, and one
 * warning per address and window.
 * 0 turns it off (benchmarks).
 */
export function authorizationRateLimit(input: {
  perMinute: number;
  throttle: ThrottleStore;
  nowMs: () => number;
  logger: Logger;
  /** Told of each refusal (the metrics). */
  metrics?: Pick<AuthMetrics, 'rateLimited'>;
}) {
  const { perMinute, throttle, nowMs, logger, metrics } = input;
  return async function authorizationRateLimitMiddleware(ctx: Context, next: Next): Promise<void> {
    if (
      perMinute === 0 ||
      ctx.path !== AUTHORIZATION_PATH ||
      (ctx.method !== 'GET' && ctx.method !== 'POST')
    ) {
      return next();
    }
    const now = Math.floor(nowMs() / 1000);
    const address = addressBucket(ctx.ip);
    const taken = await throttle.takeFromWindow(
      `authorize:${address}`,
      now,
      AUTHORIZATION_RATE_WINDOW_SECONDS,
      perMinute,
    );
    const retryAfter = Math.max(1, taken.resetAt - now);
    if (taken.allowed) {
      // Once per address and window, when it takes the last request: the refusals that follow write nothing.
      if (taken.count === perMinute) {
        logger.warn(
          { event: 'authorization_rate_limited', address, perMinute, retryAfter },
          'an address used its authorization requests for this minute: more are refused until the window ends',
        );
      }
      return next();
    }
    metrics?.rateLimited();
    ctx.status = 429;
    ctx.set('Retry-After', String(retryAfter));
    const message = `Too many sign-ins were started from your network. Try again in ${formatWait(retryAfter)}.`;
    if (ctx.accepts('html', 'json') === 'html') {
      ctx.type = 'html';
      ctx.body = errorPage({ error: 'too_many_requests', message });
    } else {
      ctx.body = { error: 'too_many_requests', error_description: message };
    }
  };
}
