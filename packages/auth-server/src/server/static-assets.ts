import { FAVICON_PATH, FAVICON_SVG, STYLESHEET, STYLESHEET_PATH } from '@gatehouse/common';
import type { Context, Next } from 'koa';

/** What this origin serves besides the pages, each cacheable for a day (CSP `style-src`/`img-src 'self'`). */
const ASSETS: Readonly<Record<string, { type: string; body: string }>> = {
  [STYLESHEET_PATH]: { type: 'text/css; charset=utf-8', body: STYLESHEET },
  [FAVICON_PATH]: { type: 'image/svg+xml', body: FAVICON_SVG },
  // Browsers request /favicon.ico on their own; the same SVG (served as SVG) avoids a 404 in the console.
  '/favicon.ico': { type: 'image/svg+xml', body: FAVICON_SVG },
};

/** Serves the pages' stylesheet and icon from this origin. */
export async function staticAssets(ctx: Context, next: Next): Promise<void> {
  const asset = Object.hasOwn(ASSETS, ctx.path) ? ASSETS[ctx.path] : undefined;
  if (!asset || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
  ctx.type = asset.type;
  ctx.set('Cache-Control', 'public, max-age=86400');
  ctx.body = asset.body;
}
