import { createServer } from 'node:http';
import { announcePort } from './server-config.js';

// The API behind the gateway: a minimal node:http server answering every request with a small JSON hello and no
// authentication of its own (the gateway did it). Measured through `gatehouse start api` with UPSTREAM_URL and
// directly, so the difference is what the gateway costs. Child process entry point.
const server = createServer((request, response) => {
  const sub = request.headers['x-gatehouse-sub'];
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ hello: typeof sub === 'string' ? sub : 'world' }));
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  announcePort(typeof address === 'object' && address !== null ? address.port : 0);
});
