import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  type AuditLog,
  createLogger,
  describePostgresError,
  type Logger,
  limitConnections,
  listenConfigError,
  openAuditLog,
  randomToken,
  serverTimeouts,
  startExpirySweeper,
  startTracing,
  type Tracing,
} from '@gatehouse/common';
import type Koa from 'koa';
import type Provider from 'oidc-provider';
import { accountRoutes } from '../account/account-routes.js';
import { startBackchannelDelivery } from '../backchannel/deliver-backchannel-logouts.js';
import { type AuthServerConfig, issuerFor } from '../config/load-auth-server-config.js';
import { databaseOutage, markDatabaseOutage } from '../http/database-outage.js';
import { discoveryCacheControl } from '../http/discovery-cache-control.js';
import { dropUntrustedForwarding } from '../http/drop-untrusted-forwarding.js';
import { logRequestErrors } from '../http/log-request-errors.js';
import { pinToIssuer } from '../http/pin-to-issuer.js';
import { securityHeaders } from '../http/security-headers.js';
import { interactionRoutes } from '../interactions/index.js';
import type { InteractionDeps } from '../interactions/interaction-deps.js';
import { loadSigningKeys } from '../keys/signing-keys.js';
import { createAuthMetrics, NO_AUTH_METRICS } from '../metrics/auth-metrics.js';
import { loadOidcProvider } from '../oidc/load-oidc-provider.js';
import { providerConfiguration } from '../oidc/provider-configuration.js';
import { argon2idHasher, type PasswordHasher } from '../passwords/password-hasher.js';
import { createPasswordVerifier } from '../passwords/verify-password-or-dummy.js';
import type { AuthStore } from '../store/auth-store.js';
import { openConfiguredAuthStore } from '../store/open-configured-auth-store.js';
import { authorizationRateLimit } from '../throttle/authorization-rate-limit.js';
import { DeviceCookies } from '../throttle/device-cookie.js';
import { LoginThrottle, THROTTLE_POLICY } from '../throttle/login-throttle.js';
import { SecondFactorThrottle } from '../throttle/second-factor-throttle.js';
import { type RelyingParty, relyingPartyFor } from '../webauthn/relying-party.js';
import { healthRoutes } from './health-routes.js';
import { landingAndNotFound } from './landing-and-not-found.js';
import { closeAll, listen } from './listen.js';
import { logBackgroundFailure } from './log-background-failure.js';
import { staticAssets } from './static-assets.js';

/** Options for {@link startAuthServer}; `store`, `hasher` and `nowMs` are for tests. */
export interface StartAuthServerOptions {
  readonly config: AuthServerConfig;
  readonly logger?: Logger;
  /**
   * Defaults to the configured store: PostgreSQL with DATABASE_URL, else SQLite in DATA_DIR (closed by
   * `close()` only when opened here).
   */
  readonly store?: AuthStore;
  readonly hasher?: PasswordHasher;
  /** Clock in epoch milliseconds (TOTP windows, throttling). */
  readonly nowMs?: () => number;
  /** How often to look for rotated signing keys (ms); default 5000. */
  readonly keyReloadIntervalMs?: number;
  /** Where security events go; by default AUDIT_LOG's file (or standard output), none when it is not set. */
  readonly audit?: AuditLog;
  /** Spans; by default OpenTelemetry when the process environment names an OTLP endpoint, none otherwise. */
  readonly tracing?: Tracing;
}

/** A running auth server. */
export interface RunningAuthServer {
  readonly issuer: string;
  readonly port: number;
  /** Its listeners (127.0.0.1 and ::1 for `localhost`), bounded together (docs/security.md 50). */
  readonly servers: readonly Server[];
  /** Stops listening, the sweeper and the key watcher; closes the store if it opened it. */
  close(): Promise<void>;
}

/**
 * Starts the embedded OpenID Provider: binds first (port 0 works), derives the issuer
 * `http://localhost:<port>` unless `AUTH_ISSUER` is set, generates signing keys on first start, and serves
 * oidc-provider with Gatehouse's interaction pages. `gatehouse keys rotate` is picked up while running: the
 * key set is checked every few seconds and a new provider instance (same store, so sessions survive) takes
 * over when it changed.
 *
 * @example
 * const server = await startAuthServer({ config: loadAuthServerConfig(process.env) });
 * console.log(`issuer ${server.issuer}`);
 */
export async function startAuthServer(options: StartAuthServerOptions): Promise<RunningAuthServer> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ name: 'auth-server', level: config.logLevel });
  const nowMs = options.nowMs ?? Date.now;
  // Opened first: a path that cannot be opened fails the start (one line naming AUDIT_LOG) before anything else.
  const audit =
    options.audit ??
    openAuditLog(config.auditLog, {
      now: nowMs,
      onError: (error) => logger.error({ err: error }, 'audit log write failed'),
    });
  const store = options.store ?? (await openConfiguredAuthStore(config, { logger }));
  const nowSeconds = () => Math.floor(nowMs() / 1000);
  // A retired key stays in JWKS until every token it may have signed has expired.
  const keepSeconds = Math.max(config.ttl.idToken, config.ttl.accessToken) + 60;
  // The unknown-user dummy hash (~10 ms of the pool) runs while the keys are read and oidc-provider loads.
  const verifierReady = createPasswordVerifier(options.hasher ?? argon2idHasher);
  verifierReady.catch(() => undefined); // awaited below; its failure fails the start there
  const cookieKeys = [await store.secrets.getOrCreate('cookie-key', () => randomToken(32))];
  // Its own key, not the cookie key: an oidc-provider cookie signature can never pass for a device cookie's MAC.
  const deviceCookieKey = await store.secrets.getOrCreate('device-cookie-key', () => randomToken(32));
  const accountKeys = {
    csrf: await store.secrets.getOrCreate('account-form-key', () => randomToken(32)),
    totpProof: await store.secrets.getOrCreate('account-totp-proof-key', () => randomToken(32)),
  };

  let provider: Provider | undefined;
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  let keySignature = '';

  // Loaded on start only: the CLI imports this package for its admin functions and should not load oidc-provider.
  const { default: OidcProvider, interactionPolicy, errors } = await loadOidcProvider(logger);
  let relyingParty: RelyingParty | undefined;
  const metrics = config.metrics ? createAuthMetrics() : NO_AUTH_METRICS;
  const deps: InteractionDeps = {
    provider: () => {
      if (!provider) throw new Error('provider not ready');
      return provider;
    },
    store,
    verifyPassword: await verifierReady,
    hasher: options.hasher ?? argon2idHasher,
    relyingParty: () => {
      if (!relyingParty) throw new Error('relying party not ready');
      return relyingParty;
    },
    throttle: new LoginThrottle(store.throttle),
    secondFactor: new SecondFactorThrottle(store.throttle),
    deviceCookies: new DeviceCookies(deviceCookieKey),
    nowMs,
    logger,
    metrics,
    audit,
    tracing: options.tracing ?? (await startTracing(process.env, 'gatehouse-auth-server')),
  };
  const build = async (issuer: string) => {
    const jwks = await loadSigningKeys(store, nowSeconds(), keepSeconds);
    keySignature = signatureOf(jwks.keys.map((key) => String(key.kid)));
    const next = new OidcProvider(
      issuer,
      providerConfiguration({
        issuer,
        policyModule: interactionPolicy,
        errors,
        config,
        store,
        jwks,
        cookieKeys,
        now: nowSeconds,
        logger,
      }),
    );
    next.proxy = config.trustProxy.configured;
    // Behind a proxy, only the last X-Forwarded-For entry (the one our proxy appended) names the client; the
    // entries before it are whatever the client sent. Koa's default (every entry, ctx.ip = the first) let one
    // address pose as any other and slip past per-address throttling (docs/security.md 32).
    next.maxIpsCount = 1;
    next.use(securityHeaders);
    next.use(databaseOutage(logger));
    next.use(pinToIssuer(issuer, config.trustProxy));
    next.use(
      authorizationRateLimit({
        perMinute: config.authorizationRequestsPerMinute,
        throttle: store.throttle,
        nowMs,
        logger,
        metrics,
      }),
    );
    next.use(discoveryCacheControl);
    next.use(landingAndNotFound);
    next.use(staticAssets);
    next.use(interactionRoutes(deps));
    next.use(accountRoutes(deps, accountKeys, issuer));
    next.on('server_error', (ctx, error) => {
      // The database being down is answered 503 by databaseOutage, and logged there or here in one line.
      if (markDatabaseOutage(ctx, error)) {
        logger.warn(
          { event: 'database_unavailable', path: ctx.path, err: describePostgresError(error) },
          'a request needed the database, which cannot be reached: answered 503',
        );
        return;
      }
      logger.error({ err: error }, 'provider error');
    });
    // Koa's own event, which oidc-provider's typings leave out of Provider's `on`.
    const koa: Koa = next;
    koa.on('error', logRequestErrors(logger));
    // A sign-out's back-channel logouts (oidc-provider sends them itself): each outcome, never the token.
    next.on('backchannel.success', (_ctx, client, accountId) =>
      logger.info(
        {
          event: 'backchannel_logout_delivered',
          client: client.clientId,
          sub: accountId,
          reason: 'sign_out',
        },
        'back-channel logout delivered',
      ),
    );
    next.on('backchannel.error', (_ctx, error, client, accountId) =>
      logger.warn(
        {
          event: 'backchannel_logout_failed',
          client: client.clientId,
          sub: accountId,
          reason: 'sign_out',
          error: error.message,
        },
        'back-channel logout of a sign-out failed (not retried: the client keeps its session until it expires)',
      ),
    );
    // Why a token request was refused (oidc-provider's error_detail names the check, never a secret value).
    next.on('grant.error', (_ctx, error) =>
      logger.info(
        { event: 'token_error', error: error.message, detail: detailOf(error) },
        'token request refused',
      ),
    );
    provider = next;
    handler = next.callback();
  };

  const health = healthRoutes({
    providerReady: () => handler !== undefined,
    store,
    metrics:
      metrics.registry === undefined ? undefined : { registry: metrics.registry, token: config.metricsToken },
  });
  const servers = await listen(
    config.host,
    config.port,
    (req, res) => {
      dropUntrustedForwarding(req, config.trustProxy);
      if (health(req, res)) return;
      if (handler) handler(req, res);
      else {
        res.statusCode = 503;
        res.end();
      }
    },
    serverTimeouts(config.connections),
  ).catch(async (error: unknown) => {
    if (!options.audit) audit.close();
    if (!options.store) await store.close();
    // A port taken or privileged, a host not this machine's: one line naming AUTH_PORT or AUTH_HOST.
    throw (
      listenConfigError(error, {
        portSetting: 'AUTH_PORT',
        port: config.port,
        hostSetting: 'AUTH_HOST',
        host: config.host,
      }) ?? error
    );
  });
  // docs/security.md 50: a bound on connections, and no one address may take them all (a trusted proxy's carry
  // many clients: docs/security.md 37).
  limitConnections(servers, config.connections, {
    logger,
    settings: { max: 'AUTH_MAX_CONNECTIONS', perAddress: 'AUTH_MAX_CONNECTIONS_PER_ADDRESS' },
    exempt: (peer) => config.trustProxy.trusts(peer),
  });
  const address = servers[0]?.address();
  const port = address && typeof address === 'object' ? address.port : config.port;
  const issuer = issuerFor(config, port);
  try {
    relyingParty = relyingPartyFor(issuer, config);
    await build(issuer);
  } catch (error) {
    await closeAll(servers);
    if (!options.audit) audit.close();
    if (!options.store) await store.close();
    throw error;
  }

  const stopSweeper = startExpirySweeper(
    () => {
      const now = nowSeconds();
      const onError = (error: unknown) => logBackgroundFailure(logger, error, 'expiry sweep failed');
      store.models.sweepExpired(now).catch(onError);
      store.throttle.sweep(now, now - THROTTLE_POLICY.resetAfterSeconds).catch(onError);
      store.challenges.sweep(now).catch(onError);
    },
    60_000,
    (error) => logBackgroundFailure(logger, error, 'expiry sweep failed'),
  );

  const backchannel = startBackchannelDelivery({
    outbox: store.outbox,
    provider: deps.provider,
    logger,
    nowMs,
  });

  let reloading = false;
  const watcher = setInterval(async () => {
    if (reloading) return;
    reloading = true;
    try {
      const kids = signatureOf(await store.keys.kids());
      if (kids !== keySignature) {
        await build(issuer);
        logger.info({ event: 'keys_reloaded' }, 'signing keys changed: now signing with the newest keys');
      }
    } catch (error) {
      logBackgroundFailure(logger, error, 'signing key reload failed');
    } finally {
      reloading = false;
    }
  }, options.keyReloadIntervalMs ?? 5000);
  watcher.unref();

  logger.info({ issuer, port }, 'auth server listening');
  return {
    issuer,
    port,
    servers,
    async close() {
      clearInterval(watcher);
      stopSweeper();
      await backchannel.stop();
      await closeAll(servers);
      if (!options.audit) audit.close();
      if (!options.store) await store.close();
      await deps.tracing.flush();
    },
  };
}

function signatureOf(kids: readonly string[]): string {
  return [...kids].sort().join(',');
}

function detailOf(error: unknown): string | undefined {
  const detail = (error as { error_detail?: unknown }).error_detail;
  return typeof detail === 'string' ? detail : undefined;
}
