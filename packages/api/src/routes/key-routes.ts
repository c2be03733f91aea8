import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../server/api-context.js';

/** The API's public keys: its token keys, and its client-authentication key when it uses private_key_jwt. */
export function registerKeyRoutes(app: FastifyInstance, ctx: ApiContext): void {
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
