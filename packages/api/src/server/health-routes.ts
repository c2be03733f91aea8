import type { FastifyInstance } from 'fastify';
import type { ResourceServer } from '../core/resource-server.js';

/** `GET /healthz` (the process answers) and `GET /readyz` (503 while the provider is not discovered or down). */
export function registerHealthRoutes(app: FastifyInstance, server: ResourceServer): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/readyz', async (_request, reply) => {
    if (server.ready) return { status: 'ready' };
    return reply.status(503).send({ status: 'provider_unavailable' });
  });
}
