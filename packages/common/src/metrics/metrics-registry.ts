import type { Registry } from 'prom-client';
import { loadPromClient, loadPromClientProcessMetric } from './load-prom-client.js';

/**
 * prom-client's process metrics, as `collectDefaultMetrics` registers them (each a module of its own in
 * prom-client), less its GC duration histogram: that one observes every garbage collection through a
 * PerformanceObserver, which under load (with `--max-semi-space-size=2`, hundreds of scavenges a second) cost
 * the hot path several percent (issue 15: /api/me with METRICS=on within 5 % of off). Everything here is read
 * when `/metrics` is scraped, nothing per request, except the event-loop delay that Node samples by itself.
 */
const PROCESS_METRICS = [
  'processCpuTotal',
  'processStartTime',
  'osMemoryHeap',
  'processOpenFileDescriptors',
  'processMaxFileDescriptors',
  'eventLoopLag',
  'processResources',
  'processHandles',
  'processRequests',
  'heapSizeAndUsed',
  'heapSpacesSizeAndUsed',
  'version',
] as const;

/**
 * A Prometheus registry of one server's own, with the process metrics (CPU, memory, heap, event-loop lag,
 * handles, file descriptors) in it: see {@link PROCESS_METRICS}. Never the global registry: tests start several
 * servers in one process, and each must count only its own traffic.
 */
export function createMetricsRegistry(): Registry {
  const { Registry } = loadPromClient();
  const registry = new Registry();
  // prom-client's own default for collectDefaultMetrics.
  for (const name of PROCESS_METRICS)
    loadPromClientProcessMetric(name)(registry, { eventLoopMonitoringPrecision: 10 });
  return registry;
}
