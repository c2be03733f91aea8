import type { Tracing } from '@gatehouse/common';

/**
 * Runs a Gatehouse route's handler in a server span named by its method and route pattern, the parent of the
 * step spans it records: never the URL, whose query carries the code and the state (docs/security.md 48).
 */
export function routeSpan<T>(
  tracing: Tracing,
  method: string,
  route: string,
  work: () => Promise<T>,
): Promise<T> {
  if (!tracing.enabled) return work();
  return tracing.span(
    `${method} ${route}`,
    { 'http.request.method': method, 'http.route': route },
    work,
    'server',
  );
}
