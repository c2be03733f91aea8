import { connect } from 'node:net';

/** What {@link rawRequest} read back. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

/**
 * Sends `head` (request line and headers, CRLF-separated, without the final blank line) over a new connection
 * as written, with `Connection: close`, and reads the answer to its end. For what fetch will not send: a
 * foreign `Host`, an absolute-form request target. Bodies are not used (GET only); chunked answers are decoded.
 */
export function rawRequest(port: number, head: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer within 10 s')));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
      const headers = new Headers();
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      }
      const raw = text.slice(split + 4);
      const body = headers.get('transfer-encoding') === 'chunked' ? dechunk(raw) : raw;
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    });
    socket.write(`${head}\r\nConnection: close\r\n\r\n`);
  });
}

function dechunk(raw: string): string {
  let out = '';
  let rest = raw;
  for (let guard = 0; guard < 10_000; guard++) {
    const lineEnd = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.slice(0, lineEnd), 16);
    if (!Number.isFinite(size) || size === 0) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
  return out;
}
