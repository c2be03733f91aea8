import { describePostgresError, isDatabaseUnavailable, type Logger } from '@gatehouse/common';
import type { Context, Next } from 'koa';
import { errorPage } from '../pages/error-page.js';

/** Seconds a client is told to wait while the database is unreachable. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/** What oidc-provider's `server_error` listener sets on a request whose error was the database being down. */
const MARK = 'gatehouseDatabaseUnavailable';

/**
 * Marks a request whose oidc-provider error (already rendered by oidc-provider's own handler as a 500
 * `server_error`, or a redirect to the client with it) was the database being unreachable, for
 * {@link databaseOutage} to answer 503. Called from the provider's `server_error` event; true when it marked.
 */
export function markDatabaseOutage(ctx: Context, error: unknown): boolean {
  if (!isDatabaseUnavailable(error)) return false;
  ctx.state[MARK] = true;
  return true;
}

/**
 * Koa middleware (docs/security.md 42): a request that needed the database while it was unreachable (down,
 * restarting, out of connections, too slow) is answered 503 with `Retry-After`, an HTML page for a person and
 * JSON for a client (the token endpoint), never a 500, a stack trace or a redirect to the client carrying
 * `server_error`; one warning line for the operator. Nothing was committed, so nothing was issued: a token is
 * only returned after its row was written. The pool reconnects by itself, so the next request after the
 * database is back is served.
 */
export function databaseOutage(logger: Logger) {
  return async function databaseOutageMiddleware(ctx: Context, next: Next): Promise<void> {
    try {
      await next();
      if (ctx.state[MARK] !== true) return;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      logger.warn(
        { event: 'database_unavailable', path: ctx.path, err: describePostgresError(error) },
        'a request needed the database, which cannot be reached: answered 503',
      );
    }
    ctx.status = 503;
    ctx.remove('Location');
    ctx.set('Retry-After', String(OUTAGE_RETRY_AFTER_SECONDS));
    ctx.set('Cache-Control', 'no-store');
    if (ctx.accepts('html', 'json') === 'html') {
      ctx.type = 'html';
      ctx.body = errorPage({ error: 'temporarily_unavailable' });
    } else {
      ctx.type = 'json';
      ctx.body = {
        error: 'temporarily_unavailable',
        error_description: 'the database cannot be reached; try again shortly',
      };
    }
  };
}
