import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Paths that are never the SPA: unknown ones among them are a JSON 404, not index.html. */
export const NOT_SPA_PREFIXES = [
  '/api',
  '/authorization-code',
  '/.well-known',
  '/healthz',
  '/readyz',
  '/metrics',
];

/**
 * Serves the built SPA: hashed `/assets/*` cached for a year (immutable), `index.html` revalidated every time,
 * and (see build-app's not-found handler) a history fallback to `index.html` for GET paths outside the API.
 * Source maps (`*.map`, the app's original source) are served only with `sourceMaps` (outside production): our
 * own build makes none, and a team's SPA_DIR that has them does not publish them in production.
 */
export async function registerSpaRoutes(
  app: FastifyInstance,
  spaDir: string,
  options: { sourceMaps: boolean },
): Promise<void> {
  if (!existsSync(join(spaDir, 'index.html'))) throw new Error(`SPA_DIR ${spaDir} has no index.html`);
  await app.register(fastifyStatic, {
    root: spaDir,
    wildcard: false,
    ...(options.sourceMaps ? {} : { globIgnore: ['**/*.map'] }),
    cacheControl: false,
    index: ['index.html'],
    setHeaders(res, path) {
      if (path.includes(`${join(spaDir, 'assets')}`)) {
        res.setHeader('cache-control', 'public, max-age=31536000, immutable');
      } else {
        res.setHeader('cache-control', 'no-cache');
      }
    },
  });
}
