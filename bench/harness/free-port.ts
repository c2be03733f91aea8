import { createServer } from 'node:net';

/**
 * Asks the OS for a free loopback port by binding port 0 and closing it. Gatehouse needs its ports before it
 * starts (PUBLIC_URL and the issuer embed them), so port 0 cannot be passed through.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
