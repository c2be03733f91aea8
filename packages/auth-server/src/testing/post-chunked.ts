import { request } from 'node:http';

/** What {@link postChunked} got back, or why it got nothing. */
export type ChunkedOutcome =
  | { readonly kind: 'response'; readonly status: number; readonly headers: Headers; readonly body: string }
  | { readonly kind: 'error'; readonly code: string };

/**
 * POSTs a form of `totalBytes` with `Transfer-Encoding: chunked` (no Content-Length, so only a limit applied
 * while reading can stop it), in 16 KiB chunks, and stops sending once an answer arrives. Resolves to that
 * answer, or to the socket error when the connection broke before any answer came.
 */
export function postChunked(
  url: string,
  headers: Record<string, string>,
  totalBytes: number,
): Promise<ChunkedOutcome> {
  return new Promise((resolve) => {
    let answered = false;
    const req = request(url, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/x-www-form-urlencoded',
        'transfer-encoding': 'chunked',
      },
    });
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', () => {});
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers))
          if (typeof value === 'string') responseHeaders.set(name, value);
        // Whatever is left unsent is abandoned.
        req.destroy();
        resolve({
          kind: 'response',
          status: res.statusCode ?? 0,
          headers: responseHeaders,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    // After an answer the server may close while we still write: not a failure of what is tested.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (!answered) resolve({ kind: 'error', code: error.code ?? error.message });
    });
    const chunk = Buffer.alloc(16 * 1024, 'x');
    let sent = 0;
    const write = () => {
      while (!answered && !req.destroyed && sent < totalBytes) {
        sent += chunk.byteLength;
        if (!req.write(chunk)) {
          req.once('drain', write);
          return;
        }
      }
      if (!answered && !req.destroyed) req.end();
    };
    req.write('username=bob&password=');
    write();
  });
}
