import type { Span, Tracer } from '@opentelemetry/api';

/** A span attribute's value: our own identifiers and names only (docs/security.md 48). */
export type SpanAttributes = Readonly<Record<string, string | number | boolean>>;

/** What a span's work may add to it while it runs. */
export interface SpanHandle {
  setAttribute(key: string, value: string | number | boolean): void;
}

/**
 * Manual spans, on only when OTEL_EXPORTER_OTLP_ENDPOINT is set. No auto-instrumentation: the HTTP ones record
 * full URLs and headers (codes, states, cookies, bearer tokens), so every span and attribute is one we write.
 */
export interface Tracing {
  readonly enabled: boolean;
  /**
   * Runs `work` in a span (a child of the active one), ended when it settles; a failure marks it an error with
   * the error's code only (never its message, which may quote a value).
   */
  span<T>(
    name: string,
    attributes: SpanAttributes,
    work: (span: SpanHandle) => Promise<T>,
    kind?: 'internal' | 'server' | 'client',
  ): Promise<T>;
  /** Sends the spans ended so far (at close, so none is lost). */
  flush(): Promise<void>;
}

/** Tracing off: `span` only runs the work; nothing of OpenTelemetry is loaded. */
export const NO_TRACING: Tracing = {
  enabled: false,
  span: (_name, _attributes, work) => work({ setAttribute: () => undefined }),
  flush: async () => undefined,
};

/** The SDK, started once per process whichever server asks first (the OpenTelemetry API is process-wide). */
let started: Promise<{ tracer: (scope: string) => Tracer; flush: () => Promise<void> }> | undefined;

/**
 * Starts OpenTelemetry's Node SDK when `env` names an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT), else returns {@link NO_TRACING} without loading any of it (start-up cost).
 * The SDK reads the standard variables itself (OTEL_EXPORTER_OTLP_PROTOCOL, `http/json` included,
 * OTEL_EXPORTER_OTLP_HEADERS, OTEL_SERVICE_NAME, OTEL_TRACES_SAMPLER, OTEL_RESOURCE_ATTRIBUTES…); `serviceName`
 * is used when OTEL_SERVICE_NAME is not set. Traces only: metrics are Prometheus' (`/metrics`), and the SDK's
 * own metric and log exporters stay off.
 */
export async function startTracing(
  env: Readonly<Record<string, string | undefined>>,
  serviceName: string,
): Promise<Tracing> {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (endpoint === undefined || endpoint === '' || env.OTEL_SDK_DISABLED === 'true') return NO_TRACING;
  started ??= (async () => {
    const [{ NodeSDK }, api] = await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/api'),
    ]);
    const named = env.OTEL_SERVICE_NAME === undefined || env.OTEL_SERVICE_NAME === '';
    const sdk = new NodeSDK({
      ...(named ? { serviceName } : {}),
      instrumentations: [],
      metricReaders: [],
      logRecordProcessors: [],
    });
    sdk.start();
    const provider = api.trace.getTracerProvider() as {
      getDelegate?: () => { forceFlush?: () => Promise<void> };
    };
    return {
      tracer: (scope: string) => api.trace.getTracer(scope),
      flush: async () => {
        await provider.getDelegate?.().forceFlush?.();
      },
    };
  })();
  const sdk = await started;
  const api = await import('@opentelemetry/api');
  const tracer = sdk.tracer(serviceName);
  const kinds = { internal: api.SpanKind.INTERNAL, server: api.SpanKind.SERVER, client: api.SpanKind.CLIENT };
  return {
    enabled: true,
    span(name, attributes, work, kind = 'internal') {
      return tracer.startActiveSpan(name, { kind: kinds[kind], attributes }, async (span: Span) => {
        try {
          return await work(span);
        } catch (error) {
          const code = (error as { code?: unknown } | undefined)?.code;
          span.setAttribute('gatehouse.error', typeof code === 'string' ? code : errorName(error));
          span.setStatus({ code: api.SpanStatusCode.ERROR });
          throw error;
        } finally {
          span.end();
        }
      });
    },
    flush: sdk.flush,
  };
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'error';
}
