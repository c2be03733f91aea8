// A team's own Express 5 API behind Gatehouse: `npm run example:express` from the repository root, configured
// by the same variables as `gatehouse start api` (PORT, PUBLIC_URL, OIDC_ISSUER, OIDC_CLIENT_ID, …). The
// README's "Protect your own API" shows the region below as it is (e2e/docs.test.ts keeps the two the same).
import './one-line-errors.js';
// #region readme
import { loadApiConfig } from '@gatehouse/api';
import { gatehouseExpress } from '@gatehouse/api/express';
import express from 'express';

const config = loadApiConfig(process.env); // PORT, PUBLIC_URL, OIDC_ISSUER, … as for `gatehouse start api`
const gatehouse = await gatehouseExpress({ config });
const app = express();
app.use(gatehouse.router); // first: /api/login, /api/callback, /api/refresh, /api/logout, /api/me, …
app.use(express.json()); // the app's own parser, after it

app.get('/', (_req, res) => {
  res.json({ open: 'to anyone', signIn: '/authorization-code/login' }); // no guard
});

app.get('/api/hello', gatehouse.requireUser(), (req, res) => {
  res.json({ hello: req.gatehouse?.user.sub, roles: req.gatehouse?.roles });
});

app.get('/api/admin', gatehouse.requireRole('admin'), (req, res) => {
  res.json({ admin: req.gatehouse?.user.sub });
});

app.listen(config.port, '127.0.0.1');
// #endregion readme
process.stdout.write(`The Express example listens on ${config.publicUrl}\n`);
