import { metricsAnswer } from '@gatehouse/common';
import type { FastifyInstance } from 'fastify';
import type { ResourceServer } from '../core/resource-server.js';

/**
 * `GET /metrics`: the API's Prometheus text, behind METRICS_TOKEN when set (docs/security.md 47). Not registered
 * when METRICS is off (a 404 then, like any unknown path).
 */
export function registerMetricsRoute(app: FastifyInstance, server: ResourceServer): void {
  const { registry } = server.metrics;
  if (registry === undefined) return;
  app.get('/metrics', async (request, reply) => {
    const answer = await metricsAnswer(registry, server.config.metricsToken, request.headers.authorization);
    return reply.status(answer.status).headers(answer.headers).send(answer.body);
  });
}
