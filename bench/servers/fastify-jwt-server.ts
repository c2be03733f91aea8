import { createPublicKey } from 'node:crypto';
import fastifyJwt from '@fastify/jwt';
import Fastify from 'fastify';
import { announcePort, readServerConfig } from './server-config.js';

// Fastify 5 with @fastify/jwt (fast-jwt inside), given the API's public key as PEM and told to check the
// algorithm, issuer and audience, as its README shows. Library defaults otherwise. Child process entry point.
const config = readServerConfig();
const ASYMMETRIC = [
  'ES256',
  'ES384',
  'ES512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'EdDSA',
] as const;
const alg = ASYMMETRIC.find((candidate) => candidate === config.alg);
if (alg === undefined) throw new Error(`unsupported token algorithm ${config.alg}`);
const publicPem = createPublicKey({ key: config.jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });

const app = Fastify({ logger: false });
await app.register(fastifyJwt, {
  secret: { public: publicPem },
  verify: { algorithms: [alg], allowedIss: config.issuer, allowedAud: config.audience },
});
app.get('/api/me', async (request) => {
  const payload = await request.jwtVerify<{ sub?: string }>();
  return { sub: payload.sub };
});
const address = await app.listen({ port: 0, host: '127.0.0.1' });
announcePort(Number(new URL(address).port));
