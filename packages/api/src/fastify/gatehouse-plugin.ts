import type { Logger } from '@gatehouse/common';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type ApiConfig, loadApiConfig } from '../config/load-api-config.js';
import { createResourceServer } from '../core/create-resource-server.js';
import type { ResourceServer } from '../core/resource-server.js';
import type { GatehouseIdentity } from '../guards/gatehouse-identity.js';
import { policyOf, SIGNED_IN } from '../guards/route-policy.js';
import { redactedRequest } from '../http/redacted-request.js';
import type { ApiStore } from '../store/api-store.js';
import { gatehouseRoutes } from './gatehouse-routes.js';
import { decorateRequestIdentity, kIdentity } from './request-identity.js';
import { type GatehouseGuard, guardHook } from './route-guards.js';

/** `app.gatehouse`: the route guards, and the core they run on. */
export interface GatehouseFastify {
  /** The resource server's core (keys, sessions, revocation, provider): what a gateway builds on. */
  readonly server: ResourceServer;
  /** A guard for a route any signed-in user may use: `{ onRequest: app.gatehouse.requireUser() }`. */
  requireUser(): GatehouseGuard;
  /** A guard for a route only users with every one of these roles may use (403 `insufficient_role`). */
  requireRole(role: string, ...more: string[]): GatehouseGuard;
  /** A guard for a route only tokens granted every one of these scopes may use (403 `insufficient_scope`). */
  requireScope(scope: string, ...more: string[]): GatehouseGuard;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Gatehouse's route guards and core, added by the `gatehouse` plugin. */
    readonly gatehouse: GatehouseFastify;
  }
  interface FastifyRequest {
    /**
     * Who the request comes from, on a route guarded by `app.gatehouse.requireUser()`, `requireRole(…)` or
     * `requireScope(…)`: verified from the API's own token. Reading it on a route without a guard throws (a
     * programming error, answered 500), so a handler can never mistake an unverified request for a user's.
     */
    readonly gatehouse: GatehouseIdentity;
    [kIdentity]: GatehouseIdentity | null;
  }
}

/** How the plugin gets its core: a server you assembled, or one it assembles (and closes) itself. */
export interface GatehousePluginOptions {
  /**
   * A core from `createResourceServer`, yours to start and close (`startApi` passes its own). Without it the
   * plugin assembles one from the options below, starts it while the app loads, and closes it with the app.
   */
  server?: ResourceServer;
  /**
   * The configuration; by default `loadApiConfig(process.env)`: the variables of `gatehouse start api`. With
   * `UPSTREAM_URL` (`config.upstream`) the plugin also registers the gateway: every `/api/` request that no route
   * of the app answers is verified and forwarded there; register the app's own `/api/` routes after the plugin.
   */
  config?: ApiConfig;
  /** Another store than the SQLite one in `DATA_DIR/api`. */
  store?: ApiStore;
  /** Where the core's own lines go (discovery, polls, refusals); by default JSON lines at LOG_LEVEL. */
  logger?: Logger;
  /** Injectable clock (epoch ms), for tests. */
  now?: () => number;
}

/**
 * Gatehouse for a Fastify app of your own: registers the seed's routes (`/api/login`, `/api/callback`,
 * `/api/refresh`, `/api/logout`, `/api/backchannel-logout`, `/authorization-code/login|callback`,
 * `/.well-known/jwks.json`, `/api/me`) with their security in a context of their own, and gives route guards,
 * declared on the route and run before its body is parsed. The verified user is `request.gatehouse`.
 * Discovery happens while the app loads: an issuer that does not match fails `app.ready()`. With UPSTREAM_URL in
 * the configuration it also registers the gateway, as `gatehouse start api` does (a target not in canonical form
 * is refused there, since the app's router does not make it canonical first).
 *
 * @example
 * const app = Fastify();
 * await app.register(gatehouse);
 * app.get('/api/hello', { onRequest: app.gatehouse.requireUser() }, async (request) => ({
 *   hello: request.gatehouse.user.sub,
 * }));
 * app.get('/api/admin', { onRequest: app.gatehouse.requireRole('admin') }, async () => ({ admin: true }));
 */
export const gatehouse = fp<GatehousePluginOptions>(
  async (app: FastifyInstance, options: GatehousePluginOptions) => {
    const owned = options.server === undefined;
    const server =
      options.server ??
      (await createResourceServer({
        config: options.config ?? loadApiConfig(process.env),
        ...(options.store === undefined ? {} : { store: options.store }),
        ...(options.logger === undefined ? {} : { logger: options.logger }),
        ...(options.now === undefined ? {} : { now: options.now }),
      }));
    if (owned) {
      try {
        await server.start();
      } catch (error) {
        await server.close();
        throw error;
      }
      app.addHook('onClose', async () => server.close());
    }
    const decorator: GatehouseFastify = {
      server,
      requireUser: () => guardHook(server, SIGNED_IN),
      requireRole: (role, ...more) => guardHook(server, policyOf('roles', [role, ...more])),
      requireScope: (scope, ...more) => guardHook(server, policyOf('scopes', [scope, ...more])),
    };
    app.decorate('gatehouse', decorator);
    decorateRequestIdentity(app);
    // Request lines of these routes go through redactedRequest whatever the app's logger: the callback's URL
    // carries a code and a state (docs/security.md 14). (Fastify types a serializer as returning a string; pino
    // takes any value, as Fastify's own request serializer returns.)
    const req = redactedRequest as unknown as (value: unknown) => string;
    const { upstream } = server.config;
    if (upstream === undefined) {
      await app.register(gatehouseRoutes, { server, logSerializers: { req } });
      return;
    }
    // The gateway (docs/security.md 34): every path the app answers itself, whatever the method, is never
    // forwarded: Gatehouse's routes and every static route registered after this plugin (the app's own).
    const ownPaths = new Set<string>();
    app.addHook('onRoute', (route) => {
      if (!/[:*]/.test(route.url)) ownPaths.add(route.url);
    });
    await app.register(gatehouseRoutes, { server, logSerializers: { req } });
    // Loaded only with UPSTREAM_URL: @fastify/reply-from brings undici (~135 ms and ~17 MB to load, issue 15).
    const { gatewayRoutes } = await import('../gateway/gateway-routes.js');
    await app.register(gatewayRoutes, { server, upstream, ownPaths });
  },
  { name: '@gatehouse/api', fastify: '5.x' },
);
