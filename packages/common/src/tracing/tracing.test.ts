import { describe, expect, it } from 'vitest';
import { NO_TRACING, startTracing } from './tracing.js';

describe('startTracing', () => {
  it('is off, loading nothing, unless an OTLP endpoint is named', async () => {
    expect(await startTracing({}, 'gatehouse-api')).toBe(NO_TRACING);
    expect(await startTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: '' }, 'gatehouse-api')).toBe(NO_TRACING);
    expect(
      await startTracing(
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' },
        'gatehouse-api',
      ),
    ).toBe(NO_TRACING);
    expect(await NO_TRACING.span('work', {}, async () => 42)).toBe(42);
  });
});
