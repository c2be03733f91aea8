import express, { type NextFunction, type Request, type Response } from 'express';
import { auth } from 'express-oauth2-jwt-bearer';
import { announcePort, readServerConfig } from './server-config.js';

// What many teams use: Express 5 with Auth0's express-oauth2-jwt-bearer, configured with the API's issuer
// and audience and pointed at the API's JWKS (fetched over loopback from the running API, then cached by the
// library). `issuer` + `jwksUri` instead of `issuerBaseURL`, because the API publishes a JWKS but no
// discovery document. Child process entry point.
const config = readServerConfig();
const app = express();
app.disable('x-powered-by');
app.use(
  auth({
    issuer: config.issuer,
    jwksUri: config.jwksUri,
    audience: config.audience,
    tokenSigningAlg: config.alg,
  }),
);
app.get('/api/me', (request, response) => {
  response.json({ sub: request.auth?.payload.sub });
});
// The library throws errors carrying status and WWW-Authenticate; answer them as JSON without logging each.
app.use(
  (
    error: { status?: number; headers?: Record<string, string> },
    _request: Request,
    response: Response,
    _next: NextFunction,
  ) => {
    response
      .status(error.status ?? 500)
      .set(error.headers ?? {})
      .json({ error: 'invalid_token' });
  },
);
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  announcePort(typeof address === 'object' && address !== null ? address.port : 0);
});
server.keepAliveTimeout = 30_000;
