import { loadApiConfig } from '@gatehouse/api';
import { gatehouseExpress } from '@gatehouse/api/express';
import express from 'express';

// One Express 5 app for `node bench/dist/express-router.js`: its open `/` and a guarded `/api/hello`, with
// Gatehouse's router mounted after `express.json()` (EXPRESS_ORDER=before), before it (after), or not at all
// (without). Configured by the variables of `gatehouse start api`; announces its port over IPC.
const order = process.env.EXPRESS_ORDER ?? 'without';
const app = express();
if (order === 'without') {
  app.use(express.json());
} else {
  const gatehouse = await gatehouseExpress({ config: loadApiConfig(process.env) });
  if (order === 'before') app.use(express.json());
  app.use(gatehouse.router);
  if (order === 'after') app.use(express.json());
  app.get('/api/hello', gatehouse.requireUser(), (req, res) => {
    res.json({ hello: req.gatehouse?.user.sub });
  });
}
app.get('/', (_req, res) => {
  res.json({ open: true });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address !== null ? address.port : 0 });
});
