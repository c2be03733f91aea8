import type { Context, Next } from 'koa';
import { STYLESHEET, STYLESHEET_PATH } from '../pages/styles.js';

/** Serves the pages' stylesheet from this origin (CSP `style-src 'self'`), cacheable for a day. */
export async function staticAssets(ctx: Context, next: Next): Promise<void> {
  if (ctx.path !== STYLESHEET_PATH || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
  ctx.type = 'text/css; charset=utf-8';
  ctx.set('Cache-Control', 'public, max-age=86400');
  ctx.body = STYLESHEET;
}
