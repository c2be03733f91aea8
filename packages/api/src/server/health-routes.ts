import type { FastifyInstance } from 'fastify';
import type { ResourceServer } from '../core/resource-server.js';
import { DATABASE_RETRY_AFTER_SECONDS } from '../http/error-answer.js';

/**
 * `GET /healthz` (the process answers) and `GET /readyz`: 503 while the provider is not discovered or down, or
 * while the store cannot be reached (docs/security.md 42: a load balancer sends no sign-in to a process that
 * cannot finish it); one cheap statement per call, bounded by the pool's connect timeout.
 */
export function registerHealthRoutes(app: FastifyInstance, server: ResourceServer): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    if (!server.ready) return reply.status(503).send({ status: 'provider_unavailable' });
    try {
      await server.store.ping();
    } catch {
      return reply
        .status(503)
        .header('retry-after', DATABASE_RETRY_AFTER_SECONDS)
        .send({ status: 'database_unavailable' });
    }
    return { status: 'ready' };
  });
}
