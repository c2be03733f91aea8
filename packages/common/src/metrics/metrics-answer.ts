import type { Registry } from 'prom-client';
import { timingSafeEqual } from '../crypto/timing-safe-equal.js';

/** What `GET /metrics` answers: the status, its headers and the body, for Fastify and node:http alike. */
export interface MetricsAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * `GET /metrics`: Prometheus text from `registry`, never cached. With `token` set (METRICS_TOKEN) the request
 * must carry `Authorization: Bearer <token>`, compared in constant time; anything else is a 401 with a Bearer
 * challenge and no metric (docs/security.md 47).
 */
export async function metricsAnswer(
  registry: Registry,
  token: string | undefined,
  authorization: string | undefined,
): Promise<MetricsAnswer> {
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (token !== undefined && !presents(authorization, token)) {
    return {
      status: 401,
      headers: {
        ...headers,
        'content-type': 'application/json; charset=utf-8',
        'www-authenticate': 'Bearer realm="metrics"',
      },
      body: JSON.stringify({
        error: 'unauthorized',
        error_description: 'Send METRICS_TOKEN as Authorization: Bearer <token>.',
      }),
    };
  }
  return {
    status: 200,
    headers: { ...headers, 'content-type': registry.contentType },
    body: await registry.metrics(),
  };
}

function presents(authorization: string | undefined, token: string): boolean {
  if (authorization === undefined || authorization.slice(0, 7).toLowerCase() !== 'bearer ') {
    // Compared anyway, so a missing header costs what a wrong one does.
    timingSafeEqual('', token);
    return false;
  }
  return timingSafeEqual(authorization.slice(7).trim(), token);
}
