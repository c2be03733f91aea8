import type { Context, Next } from 'koa';
import { errorPage } from '../pages/error-page.js';
import { landingPage } from '../pages/landing-page.js';

/** Our page at `/`, and our 404 page for browsers (oidc-provider answers unknown paths with plain text). */
export async function landingAndNotFound(ctx: Context, next: Next): Promise<void> {
  if (ctx.path === '/' && (ctx.method === 'GET' || ctx.method === 'HEAD')) {
    ctx.type = 'html';
    ctx.body = landingPage();
    return;
  }
  await next();
  if (ctx.status === 404 && ctx.accepts('html', 'json') === 'html' && !ctx.response.is('json')) {
    ctx.type = 'html';
    ctx.body = errorPage({ error: 'not_found' });
    ctx.status = 404;
  }
}
