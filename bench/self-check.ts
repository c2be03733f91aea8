import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { runAlternating } from './harness/alternate.js';
import { runLoad } from './harness/load.js';
import { median } from './harness/stats.js';
import type { ServerConfig } from './servers/server-config.js';
import { type ComparisonServer, spawnServer } from './servers/spawn-server.js';

// `node bench/dist/self-check.js`: checks the comparison servers and the load harness without Gatehouse.
// A local JWKS server stands in for the API's; the token is signed here with a fresh ES256 key. Each server
// must accept the token (200) and refuse a tampered one and one for another audience (401), the gateway's
// upstream must answer its hello, then a short
// alternating load run shows the harness end to end. Exit code 1 when any check fails.
const { publicKey, privateKey } = await generateKeyPair('ES256');
const jwk = { ...(await exportJWK(publicKey)), kid: 'self-check', alg: 'ES256', use: 'sig' };
const jwks = createServer((_, response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ keys: [jwk] }));
});
await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
const jwksAddress = jwks.address();
const jwksPort = typeof jwksAddress === 'object' && jwksAddress !== null ? jwksAddress.port : 0;
const issuer = 'http://localhost:3001';
const audience = 'http://localhost:3001/api';
const config: ServerConfig = {
  jwk,
  jwksUri: `http://127.0.0.1:${jwksPort}/jwks.json`,
  alg: 'ES256',
  issuer,
  audience,
};

const sign = (aud: string): Promise<string> =>
  new SignJWT({ scope: 'api' })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'self-check' })
    .setIssuer(issuer)
    .setAudience(aud)
    .setSubject('user-1')
    .setIssuedAt()
    .setExpirationTime('10m')
    .setJti('self-check-token')
    .sign(privateKey);
const token = await sign(audience);
const otherAudience = await sign('https://elsewhere.example/api');
const tampered = `${token.slice(0, -4)}${token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;

const servers: ComparisonServer[] = [];
let failures = 0;
try {
  for (const [name, file] of [
    ['node:http + jose', './node-jose-server.js'],
    ['fastify + @fastify/jwt', './fastify-jwt-server.js'],
    ['express + express-oauth2-jwt-bearer', './express-jwt-server.js'],
  ] as const) {
    const server = await spawnServer(name, file, config);
    servers.push(server);
    for (const [label, bearer, expected] of [
      ['valid token', token, 200],
      ['tampered signature', tampered, 401],
      ['other audience', otherAudience, 401],
    ] as const) {
      const response = await fetch(`${server.url}/api/me`, {
        headers: { authorization: `Bearer ${bearer}` },
      });
      const body = await response.text();
      const ok = response.status === expected;
      if (!ok) failures += 1;
      process.stdout.write(
        `${ok ? 'ok  ' : 'FAIL'} ${name}: ${label} -> ${response.status} ${body.slice(0, 60)}\n`,
      );
    }
  }
  // The gateway's upstream verifies nothing (the gateway did): it answers its hello to anyone.
  const upstream = await spawnServer('hello upstream', './hello-upstream-server.js');
  servers.push(upstream);
  const hello = await fetch(`${upstream.url}/api/hello`, { headers: { 'x-gatehouse-sub': 'user-1' } });
  const helloBody = await hello.text();
  const helloOk = hello.status === 200 && helloBody === '{"hello":"user-1"}';
  if (!helloOk) failures += 1;
  process.stdout.write(
    `${helloOk ? 'ok  ' : 'FAIL'} hello upstream -> ${hello.status} ${helloBody.slice(0, 60)}\n`,
  );
  const results = await runAlternating(
    servers.map((server) => ({
      name: server.name,
      run: (seconds: number) =>
        runLoad({
          url: `${server.url}/api/me`,
          headers: { authorization: `Bearer ${token}` },
          connections: 16,
          durationSeconds: seconds,
        }),
    })),
    { rounds: 2, roundSeconds: 1, warmUpSeconds: 1 },
  );
  for (const [name, rounds] of results) {
    const non2xx = rounds.reduce((sum, round) => sum + round.non2xx, 0);
    if (non2xx > 0) failures += 1;
    const rps = Math.round(median(rounds.map((round) => round.requestsPerSecond)));
    process.stdout.write(`${non2xx > 0 ? 'FAIL' : 'ok  '} ${name}: ${rps} req/s median, ${non2xx} non-2xx\n`);
  }
} finally {
  await Promise.all(servers.map((server) => server.stop()));
  jwks.close();
}
process.exitCode = failures > 0 ? 1 : 0;
