import { createServer } from 'node:http';
import { importJWK, jwtVerify } from 'jose';
import { announcePort, readServerConfig } from './server-config.js';

// Node's floor: a bare node:http server that verifies the bearer with jose and a key imported once at start,
// with the same checks the API makes (algorithm, issuer, audience, expiry). Child process entry point.
const config = readServerConfig();
const key = await importJWK(config.jwk, config.alg);

const server = createServer((request, response) => {
  const authorization = request.headers.authorization ?? '';
  const token = authorization.startsWith('Bearer ') ? authorization.slice(7) : '';
  jwtVerify(token, key, { algorithms: [config.alg], issuer: config.issuer, audience: config.audience }).then(
    ({ payload }) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ sub: payload.sub }));
    },
    () => {
      response.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' });
      response.end();
    },
  );
});
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  announcePort(typeof address === 'object' && address !== null ? address.port : 0);
});
