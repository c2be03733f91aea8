import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../server/api-context.js';

/** Health, readiness and public keys. */
export function registerMetaRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    if (ctx.provider.ready) return { status: 'ready' };
    return reply.status(503).send({ status: 'provider_unavailable' });
  });

  // The API's token keys, current and recently retired (RFC 7517).
  app.get('/.well-known/jwks.json', async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=60');
    return ctx.keys.jwks;
  });

  // The API's client-authentication key for private_key_jwt, for the provider to fetch (RFC 7591 jwks_uri).
  if (ctx.clientKey !== undefined) {
    const jwks = ctx.clientKey.jwks;
    app.get('/.well-known/client-jwks.json', async () => jwks);
  }
}
