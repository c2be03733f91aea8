import { Agent, type IncomingHttpHeaders, request } from 'node:http';

/** An HTTP answer, read whole. */
export interface HttpAnswer {
  status: number;
  location: string | undefined;
  contentType: string;
  setCookies: string[];
  text: string;
  headers: IncomingHttpHeaders;
}

// One keep-alive agent for every simulated browser: connections are reused like a browser's would be, and
// node:http costs the load generator a fraction of what fetch() does, leaving the cores to the server.
const agent = new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });

/**
 * One plain-HTTP request (loopback, no redirects followed), bounded by `timeoutMs`. Rejects on a network
 * error or timeout; any status resolves.
 */
export function httpRequest(
  url: string,
  options: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string; timeoutMs: number },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const headers = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
    const outgoing = request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method,
        headers,
        agent,
        timeout: options.timeoutMs,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('error', reject);
        incoming.on('end', () => {
          resolve({
            status: incoming.statusCode ?? 0,
            location: incoming.headers.location,
            contentType: incoming.headers['content-type'] ?? '',
            setCookies: incoming.headers['set-cookie'] ?? [],
            text: Buffer.concat(chunks).toString('utf8'),
            headers: incoming.headers,
          });
        });
      },
    );
    outgoing.on('timeout', () =>
      outgoing.destroy(new Error(`${options.method} ${url}: no answer within ${options.timeoutMs} ms`)),
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}
