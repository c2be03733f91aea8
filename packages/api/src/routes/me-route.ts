import type { FastifyInstance } from 'fastify';
import type { ResourceServer } from '../core/resource-server.js';
import { identityOf } from '../guards/gatehouse-identity.js';

/**
 * `GET /api/me`: the user the bearer token names. The hot path: answered from the verified claims (no store
 * access; a token seen before costs one cache lookup and the in-memory revocation check, synchronously, with no
 * hook in between), serialized by a compiled schema.
 */
export function registerMeRoute(app: FastifyInstance, server: ResourceServer): void {
  app.get(
    '/api/me',
    {
      schema: {
        response: {
          200: {
            type: 'object',
            properties: {
              sub: { type: 'string' },
              email: { type: 'string' },
              name: { type: 'string' },
              roles: { type: 'array', items: { type: 'string' } },
            },
            required: ['sub'],
          },
        },
      },
    },
    (request, reply) => {
      const verified = server.bearer.verify(request.headers.authorization);
      if (verified instanceof Promise) return verified.then((claims) => identityOf(claims).user);
      reply.send(identityOf(verified).user);
      return reply;
    },
  );
}
