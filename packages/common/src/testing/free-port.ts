import { createServer } from 'node:net';

/**
 * A TCP port that was free on 127.0.0.1 a moment ago: the OS picks it for a listener on port 0, which is then
 * closed. For fixtures that must know a URL before the server starts (PUBLIC_URL and the issuer embed the
 * port), so port 0 cannot be passed through. Another process may take the port in between: use it at once.
 *
 * @example
 * const publicUrl = `http://localhost:${await freePort()}`;
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('the listener has no TCP address'));
      });
    });
  });
}
