// A team's own Fastify API behind Gatehouse: `npm run example:fastify` from the repository root, configured by
// the same variables as `gatehouse start api` (PORT, PUBLIC_URL, OIDC_ISSUER, OIDC_CLIENT_ID, …). The README's
// "Protect your own API" shows the region below as it is (e2e/docs.test.ts keeps the two the same).
import './one-line-errors.js';
// #region readme
import { gatehouse, loadApiConfig } from '@gatehouse/api';
import Fastify from 'fastify';

const config = loadApiConfig(process.env); // PORT, PUBLIC_URL, OIDC_ISSUER, … as for `gatehouse start api`
const app = Fastify();
await app.register(gatehouse, { config }); // /api/login, /api/callback, /api/refresh, /api/logout, /api/me, …

app.get('/', async () => ({ open: 'to anyone', signIn: '/authorization-code/login' })); // no guard

app.get('/api/hello', { onRequest: app.gatehouse.requireUser() }, async (request) => ({
  hello: request.gatehouse.user.sub,
  roles: request.gatehouse.roles,
}));

app.get('/api/admin', { onRequest: app.gatehouse.requireRole('admin') }, async (request) => ({
  admin: request.gatehouse.user.sub,
}));

await app.listen({ port: config.port, host: '127.0.0.1' });
// #endregion readme
process.stdout.write(`The Fastify example listens on ${config.publicUrl}\n`);
