import type { IncomingMessage, ServerResponse } from 'node:http';
import { metricsAnswer } from '@gatehouse/common';
import type { Registry } from 'prom-client';
import type { AuthStore } from '../store/auth-store.js';

/** What {@link healthRoutes} checks. */
export interface HealthChecks {
  /** True once the signing keys are loaded and the provider built (it is rebuilt on key rotation). */
  readonly providerReady: () => boolean;
  readonly store: AuthStore;
  /** `/metrics`: the registry and METRICS_TOKEN; absent when METRICS is off (the path then goes to the provider, a 404). */
  readonly metrics?: { readonly registry: Registry; readonly token: string | undefined } | undefined;
}

/**
 * `GET /healthz` (the process answers: `{"status":"ok"}`) and `GET /readyz` (`{"status":"ready"}` once the keys
 * are loaded and the store answers, else 503 `{"status":"unavailable"}`), as the API answers them. Served before
 * oidc-provider and the Host check: a probe (a load balancer, Kubernetes) may use any Host, and nothing here
 * builds a URL. `GET /metrics` too, when metrics are on: Prometheus text behind METRICS_TOKEN when set
 * (docs/security.md 47). Returns false for any other request.
 */
export function healthRoutes(checks: HealthChecks) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = (req.url ?? '').split('?', 1)[0];
    if (path === '/healthz') {
      send(res, 200, { status: 'ok' });
      return true;
    }
    if (path === '/metrics' && checks.metrics !== undefined) {
      const { registry, token } = checks.metrics;
      metricsAnswer(registry, token, req.headers.authorization).then(
        (answer) => {
          res.writeHead(answer.status, { ...answer.headers, 'x-content-type-options': 'nosniff' });
          res.end(answer.body);
        },
        () => send(res, 500, { status: 'error' }),
      );
      return true;
    }
    if (path !== '/readyz') return false;
    ready(checks).then(
      (isReady) => send(res, isReady ? 200 : 503, { status: isReady ? 'ready' : 'unavailable' }),
      () => send(res, 503, { status: 'unavailable' }),
    );
    return true;
  };
}

async function ready({ providerReady, store }: HealthChecks): Promise<boolean> {
  // A read of the keys table: the store answers, and holds the keys the provider signs with.
  return providerReady() && (await store.keys.kids()).length > 0;
}

function send(res: ServerResponse, status: number, body: Record<string, string>): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  res.end(JSON.stringify(body));
}
