import { type IncomingHttpHeaders, request } from 'node:http';

/** What {@link requestFrom} got back: an answer, or `status` 0 and the network error's code. */
export interface AnswerFrom {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly error?: string;
}

/**
 * One HTTP request on a fresh connection from `localAddress` (fetch cannot choose its source address): for tests
 * that need several client addresses on one machine, any of 127.0.0.0/8 on Linux. Headers are sent as given,
 * `X-Forwarded-For` and `Host` included; a `body` gets its `Content-Length`; redirects are not followed. A network
 * error resolves with `status` 0.
 *
 * @example
 * const { status } = await requestFrom(`${proxy.url}/healthz`, { localAddress: '127.0.0.2' });
 */
export function requestFrom(
  url: string,
  options: {
    localAddress?: string;
    method?: string;
    headers?: Record<string, string | string[]>;
    body?: string;
    timeoutMs?: number;
  } = {},
): Promise<AnswerFrom> {
  const target = new URL(url);
  return new Promise((resolve) => {
    const outgoing = request(
      {
        host: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: options.method ?? 'GET',
        headers:
          options.body === undefined
            ? (options.headers ?? {})
            : { 'content-length': String(Buffer.byteLength(options.body)), ...options.headers },
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
        agent: false,
        timeout: options.timeoutMs ?? 5000,
      },
      (incoming) => {
        let body = '';
        incoming.setEncoding('utf8');
        incoming.on('data', (chunk: string) => {
          body += chunk;
        });
        incoming.on('end', () =>
          resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body }),
        );
        incoming.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ status: 0, headers: {}, body: '', error: error.code ?? error.message }),
        );
      },
    );
    outgoing.on('timeout', () =>
      outgoing.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
    );
    outgoing.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ status: 0, headers: {}, body: '', error: error.code ?? error.message }),
    );
    outgoing.end(options.body);
  });
}
