import { collectDefaultMetrics, Registry, register } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from './metrics-registry.js';

const names = async (registry: Registry) =>
  (await registry.getMetricsAsJSON()).map((metric) => metric.name).sort();

describe('createMetricsRegistry', () => {
  // Issue 15: observing every garbage collection cost /api/me several percent with METRICS=on.
  it("has every process metric of prom-client's defaults but the GC duration histogram", async () => {
    const defaults = new Registry();
    collectDefaultMetrics({ register: defaults });
    const expected = (await names(defaults)).filter((name) => name !== 'nodejs_gc_duration_seconds');
    expect(expected).toContain('process_cpu_user_seconds_total');
    expect(expected).toContain('nodejs_eventloop_lag_p99_seconds');
    expect(await names(createMetricsRegistry())).toEqual(expected);
  });

  it("is a registry of its own each time (servers in one process count apart), never prom-client's global one", async () => {
    const [one, two] = [createMetricsRegistry(), createMetricsRegistry()];
    expect(one).not.toBe(two);
    expect(await names(one)).toEqual(await names(two));
    expect(await names(register)).toEqual([]);
  });
});
