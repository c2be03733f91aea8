import type { Registry } from 'prom-client';
import { loadPromClient } from './load-prom-client.js';

/**
 * A Prometheus registry of one server's own, with prom-client's process metrics (CPU, memory, event-loop lag,
 * handles, GC) in it. Never the global registry: tests start several servers in one process, and each must
 * count only its own traffic.
 */
export function createMetricsRegistry(): Registry {
  const { collectDefaultMetrics, Registry } = loadPromClient();
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
