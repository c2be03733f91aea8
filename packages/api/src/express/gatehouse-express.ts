import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigError } from '@gatehouse/common';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import { loadApiConfig } from '../config/load-api-config.js';
import type { ResourceServer } from '../core/resource-server.js';
import { type GatehousePluginOptions, gatehouse } from '../fastify/gatehouse-plugin.js';
import type { GatehouseIdentity } from '../guards/gatehouse-identity.js';
import { policyOf, SIGNED_IN } from '../guards/route-policy.js';
import { type ExpressGuard, expressGuard } from './express-guards.js';
import { replayConsumedBody } from './replay-consumed-body.js';

declare global {
  // Express declares its request type in this global namespace, for libraries to add to it.
  namespace Express {
    interface Request {
      /**
       * Who the request comes from, on a route guarded by `gatehouse.requireUser()`, `requireRole(…)` or
       * `requireScope(…)`: verified from the API's own token. Unset on any other route.
       */
      gatehouse?: GatehouseIdentity;
    }
  }
}

/** Gatehouse for an Express 5 app: its routes as one middleware, and route guards. */
export interface GatehouseExpress {
  /**
   * Gatehouse's own routes (`/api/login`, `/api/callback`, `/api/refresh`, `/api/logout`,
   * `/api/backchannel-logout`, `/authorization-code/*`, `/.well-known/jwks.json`, `/api/me`): mount it at the
   * root, `app.use(gatehouse.router)`. Every other request goes on to the app's own routes untouched.
   */
  readonly router: (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;
  /** A guard for a route any signed-in user may use: `app.get('/x', gatehouse.requireUser(), handler)`. */
  requireUser(): ExpressGuard;
  /** A guard for a route only users with every one of these roles may use (403 `insufficient_role`). */
  requireRole(role: string, ...more: string[]): ExpressGuard;
  /** A guard for a route only tokens granted every one of these scopes may use (403 `insufficient_scope`). */
  requireScope(scope: string, ...more: string[]): ExpressGuard;
  /** The resource server's core. */
  readonly server: ResourceServer;
  /** Stops Gatehouse (its core, the store it opened). Call it when the HTTP server closes. */
  close(): Promise<void>;
}

const kNext = Symbol('gatehouse.express.next');
type Routed = IncomingMessage & { [kNext]?: (error?: unknown) => void };

/**
 * Gatehouse in an Express 5 app. The seed's routes are not written twice: the router hands each request to an
 * internal Fastify app running the `gatehouse` plugin (through `fastify.routing`, no second server, no port),
 * which answers Gatehouse's own paths and passes every other request straight back to Express before reading
 * anything of it. Configured as the plugin is: the variables of `gatehouse start api`, or `config`.
 *
 * @example
 * const gatehouse = await gatehouseExpress();
 * const app = express();
 * app.use(gatehouse.router);
 * app.get('/api/hello', gatehouse.requireUser(), (req, res) => {
 *   res.json({ hello: req.gatehouse?.user.sub });
 * });
 */
export async function gatehouseExpress(options: GatehousePluginOptions = {}): Promise<GatehouseExpress> {
  const config = options.server?.config ?? options.config ?? loadApiConfig(process.env);
  // The gateway's `/api/*` would answer, in the internal app, every `/api/` path before the app's own routes run:
  // forwarding what Express does not answer needs Express's routing first, which this router cannot see.
  if (config.upstream !== undefined) {
    throw new ConfigError(
      'UPSTREAM_URL',
      'Invalid UPSTREAM_URL: the Express adapter has no gateway (gatehouse start api and the Fastify plugin have one); unset it',
    );
  }
  const internal = Fastify({
    ...(options.logger === undefined ? {} : { loggerInstance: options.logger as FastifyBaseLogger }),
    logController: new LogController({ disableRequestLogging: true }),
    // The app's server owns the connections, their timeouts and bounds; this one only routes.
    trustProxy: false,
    return503OnClosing: false,
    routerOptions: { maxParamLength: 200 },
  });
  // Not Gatehouse's: back to Express at once, before any body is read, with nothing answered.
  internal.addHook('onRequest', (request, reply, done) => {
    if (!request.is404) {
      done();
      return;
    }
    reply.hijack();
    const next = (request.raw as Routed)[kNext];
    (request.raw as Routed)[kNext] = undefined;
    next?.();
  });
  internal.addHook('preParsing', replayConsumedBody);
  await internal.register(gatehouse, options.server === undefined ? { ...options, config } : options);
  await internal.ready();
  const server = internal.gatehouse.server;
  return {
    router(req, res, next) {
      (req as Routed)[kNext] = next;
      internal.routing(req, res);
    },
    requireUser: () => expressGuard(server, SIGNED_IN),
    requireRole: (role, ...more) => expressGuard(server, policyOf('roles', [role, ...more])),
    requireScope: (scope, ...more) => expressGuard(server, policyOf('scopes', [scope, ...more])),
    server,
    close: () => internal.close(),
  };
}
