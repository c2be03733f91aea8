import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FAVICON_PATH, FAVICON_SVG, STYLESHEET, STYLESHEET_PATH } from '@gatehouse/common';
import type { Context, Next } from 'koa';

interface Asset {
  readonly type: string;
  readonly body: () => string;
}

/** Read once, on the first request for it (the CLI imports this package and never serves pages). */
function fileAsset(type: string, path: () => string): Asset {
  let text: string | undefined;
  return { type, body: () => (text ??= readFileSync(path(), 'utf8')) };
}

const JS = 'text/javascript; charset=utf-8';

/**
 * What this origin serves besides the pages, each cacheable for a day (CSP `style-src`/`img-src`/`script-src
 * 'self'`): the stylesheet, the icon, and the passkey scripts, SimpleWebAuthn's browser bundle from its npm
 * package (no CDN: nothing loads from another origin) and our own `assets/passkey.js`.
 */
const ASSETS: Readonly<Record<string, Asset>> = {
  [STYLESHEET_PATH]: { type: 'text/css; charset=utf-8', body: () => STYLESHEET },
  [FAVICON_PATH]: { type: 'image/svg+xml', body: () => FAVICON_SVG },
  // Browsers request /favicon.ico on their own; the same SVG (served as SVG) avoids a 404 in the console.
  '/favicon.ico': { type: 'image/svg+xml', body: () => FAVICON_SVG },
  '/assets/simplewebauthn-browser.js': fileAsset(JS, () =>
    // The package's exports name no bundle: found from its main entry (script/index.js), one folder down.
    join(
      dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')),
      '..',
      'dist',
      'bundle',
      'index.umd.min.js',
    ),
  ),
  // src/server and dist/server are both two folders below the package, where assets/ is.
  '/assets/passkey.js': fileAsset(JS, () =>
    join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'assets', 'passkey.js'),
  ),
};

/** Serves the pages' stylesheet, icon and scripts from this origin. */
export async function staticAssets(ctx: Context, next: Next): Promise<void> {
  const asset = Object.hasOwn(ASSETS, ctx.path) ? ASSETS[ctx.path] : undefined;
  if (!asset || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
  ctx.type = asset.type;
  ctx.set('Cache-Control', 'public, max-age=86400');
  ctx.body = asset.body();
}
