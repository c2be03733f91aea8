import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One span as an OTLP/HTTP JSON export carries it. */
export interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  /** The instrumentation scope: which server made it. */
  scope: string;
  attributes: Record<string, string | number | boolean>;
}

/** An OTLP/HTTP receiver on loopback that keeps every `/v1/traces` body as it came (http/json). */
export interface OtlpReceiver {
  /** For OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly endpoint: string;
  /** Every request body received, raw: what a test searches for secrets. */
  readonly bodies: string[];
  spans(): ExportedSpan[];
  close(): Promise<void>;
}

interface AnyValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  doubleValue?: number;
}

/** Starts an OTLP/HTTP (JSON) receiver on 127.0.0.1, answering each export 200 `{}`. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') bodies.push(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(request.url === '/v1/traces' ? 200 : 404, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bodies,
    spans() {
      const spans: ExportedSpan[] = [];
      for (const body of bodies) {
        const payload = JSON.parse(body) as {
          resourceSpans?: {
            scopeSpans?: {
              scope?: { name?: string };
              spans?: (Omit<ExportedSpan, 'attributes' | 'scope'> & {
                attributes?: { key: string; value: AnyValue }[];
              })[];
            }[];
          }[];
        };
        for (const resource of payload.resourceSpans ?? []) {
          for (const scoped of resource.scopeSpans ?? []) {
            for (const span of scoped.spans ?? []) {
              const attributes: ExportedSpan['attributes'] = {};
              for (const { key, value } of span.attributes ?? []) {
                attributes[key] =
                  value.stringValue ?? value.boolValue ?? value.doubleValue ?? Number(value.intValue);
              }
              spans.push({ ...span, scope: scoped.scope?.name ?? '', attributes });
            }
          }
        }
      }
      return spans;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
