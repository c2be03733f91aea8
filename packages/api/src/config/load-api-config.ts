import { resolve } from 'node:path';
import {
  CONNECTION_TIMEOUTS,
  ConfigError,
  type ConnectionLimits,
  GatehouseSecret,
  LOG_LEVELS,
  type LogLevel,
  parseEnv,
  readDatabaseUrl,
  type TrustedProxies,
  trustProxySetting,
} from '@gatehouse/common';
import { z } from 'zod';
import { MAX_ACCESS_TOKEN_TTL } from '../tokens/access-token-lifetime.js';
import { isLoopback } from './is-loopback.js';

/** How the API authenticates to the provider's token endpoint (OIDC Core 9). */
export type TokenAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/** The resource server's validated configuration. Build it with {@link loadApiConfig}. */
export interface ApiConfig {
  port: number;
  /** Origin (and base) of the API as browsers see it, without a trailing slash. */
  publicUrl: string;
  /** False when PUBLIC_URL was not set: {@link startApi} then follows the port actually bound. */
  publicUrlExplicit: boolean;
  oidcIssuer: string;
  oidcClientId: string;
  oidcClientSecret: string | undefined;
  oidcTokenAuthMethod: TokenAuthMethod;
  oidcHttpTimeoutMs: number;
  /** OIDC_SCOPES: what the login asks for. */
  oidcScopes: string;
  /**
   * False when OIDC_SCOPES was not set: the login then also asks for `roles` when the provider advertises it in
   * `scopes_supported` (the embedded auth server does), so roles arrive with no extra setting.
   */
  oidcScopesExplicit: boolean;
  /**
   * OIDC_ROLES_CLAIM: the claim of the ID token or userinfo that holds the user's roles (docs/security.md 36): a
   * top-level name, or a dotted path into nested objects (`realm_access.roles`); a name that exists as it is
   * (`https://example.com/roles`) is read as it is.
   */
  oidcRolesClaim: string;
  oidcIdTokenAlg: string;
  dataDir: string;
  /**
   * DATABASE_URL: the API's state (and the demo's) in PostgreSQL, shared by every process, instead of SQLite in
   * DATA_DIR. Undefined: SQLite.
   */
  databaseUrl: string | undefined;
  /** GATEHOUSE_SECRET, required with DATABASE_URL: what seals the API's keys in the database. */
  gatehouseSecret: GatehouseSecret | undefined;
  /**
   * REFRESH_GRACE (seconds, default 10, 0 = off): a refresh token presented again this soon after its rotation,
   * before its successor was used, gets the same successor (a lost answer retried) instead of ending the session
   * as reused (docs/security.md 38).
   */
  refreshGraceMs: number;
  /**
   * OIDC_SESSION_CHECK_INTERVAL (seconds, default 0 = off): at a refresh once this long has passed
   * since the last check, the API asks the provider whether the session still stands (a refresh grant with the
   * provider's refresh token, else userinfo), so a user disabled at the provider loses the session then
   * (docs/security.md 49). An outage is tolerated for one more interval. In milliseconds here.
   */
  sessionCheckIntervalMs: number;
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: LogLevel;
  rateLimitPerMinute: number;
  accessTokenTtl: number;
  refreshIdleTtl: number;
  refreshAbsoluteTtl: number;
  /** `aud` of the API's own tokens; PUBLIC_URL unless API_AUDIENCE is set. */
  apiAudience: string;
  apiAudienceExplicit: boolean;
  flowInspector: boolean;
  /**
   * What names the session in the provider's end-session URL: `client_id` (default; the provider's ID token
   * never reaches the browser, docs/security.md 14) or `id_token_hint` (for providers that require it, e.g. Okta).
   */
  oidcLogoutHint: 'client_id' | 'id_token_hint';
  spaDir: string | undefined;
  /** How many connections the API holds, and for how long (docs/security.md 50). */
  connections: ConnectionLimits;
  /**
   * API_TRUST_PROXY: the reverse proxy whose last X-Forwarded-For entry names the client for rate limits, and
   * whose connections are not capped per address (docs/security.md 37); none by default.
   */
  trustProxy: TrustedProxies;
  /** METRICS: whether the API counts and serves `/metrics` (on by default). */
  metrics: boolean;
  /** METRICS_TOKEN: the bearer `/metrics` requires, when set (docs/security.md 47). */
  metricsToken: string | undefined;
  /** AUDIT_LOG: a file the security events are appended to, `-` for standard output; none by default. */
  auditLog: string | undefined;
  /**
   * UPSTREAM_URL and its bounds: the gateway forwards every `/api/` request that is not Gatehouse's own, once
   * verified, to this origin (docs/security.md 34, 35); `undefined` when no upstream is set.
   */
  upstream: UpstreamConfig | undefined;
}

/** Where the gateway forwards, and its bounds. */
export interface UpstreamConfig {
  /** The upstream's origin (`http(s)://host:port`), without a path. */
  readonly url: string;
  /** UPSTREAM_TIMEOUT_MS: bound on connecting, on the upstream's response headers, and between body chunks. */
  readonly timeoutMs: number;
  /** UPSTREAM_BODY_LIMIT: the largest request body forwarded, in bytes (streamed, never held whole). */
  readonly bodyLimit: number;
}

// `abort`: a value that is not a URL stops here; zod would otherwise run the next check, whose `new URL` throws
// a TypeError with a stack instead of this one line (OIDC_ISSUER=not-a-url did).
const httpUrl = z
  .string()
  .refine((value) => URL.canParse(value), { message: 'must be an absolute URL', abort: true })
  .refine((value) => /^https?:$/.test(new URL(value).protocol), 'must be an http(s) URL');

const seconds = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  PUBLIC_URL: httpUrl.optional(),
  OIDC_ISSUER: httpUrl.optional(),
  OIDC_CLIENT_ID: z.string().min(1).default('gatehouse-api'),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_TOKEN_AUTH_METHOD: z
    .enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt'])
    .default('client_secret_basic'),
  OIDC_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(10_000).default(5000),
  OIDC_SCOPES: z
    .string()
    .refine((value) => value.split(/\s+/).includes('openid'), 'must include "openid"')
    .optional(),
  OIDC_ROLES_CLAIM: z
    .string()
    .min(1)
    .max(256)
    .refine(
      (value) => !value.split('.').includes(''),
      'must be a claim name or a dotted path without empty parts',
    )
    .default('roles'),
  OIDC_ID_TOKEN_ALG: z
    .enum([
      'RS256',
      'RS384',
      'RS512',
      'PS256',
      'PS384',
      'PS512',
      'ES256',
      'ES384',
      'ES512',
      'EdDSA',
      'Ed25519',
    ])
    .default('RS256'),
  DATA_DIR: z.string().min(1).default('.data'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(60),
  ACCESS_TOKEN_TTL: seconds(600, MAX_ACCESS_TOKEN_TTL),
  REFRESH_IDLE_TTL: seconds(86_400, 90 * 86_400),
  REFRESH_ABSOLUTE_TTL: seconds(7 * 86_400, 365 * 86_400),
  REFRESH_GRACE: z.coerce.number().int().min(0).max(60).default(10),
  // Checks run at refreshes only (one per ACCESS_TOKEN_TTL per session at most), so a short interval means "at
  // every refresh", never a flood: no lower bound beyond 0 = off.
  OIDC_SESSION_CHECK_INTERVAL: z.coerce
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .default(0),
  API_AUDIENCE: z.string().min(1).optional(),
  FLOW_INSPECTOR: z.enum(['on', 'off']).optional(),
  OIDC_LOGOUT_HINT: z.enum(['client_id', 'id_token_hint']).default('client_id'),
  SPA_DIR: z.string().min(1).optional(),
  API_MAX_CONNECTIONS: z.coerce.number().int().min(16).max(10_000_000).optional(),
  API_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(0).max(10_000_000).default(256),
  API_TRUST_PROXY: trustProxySetting,
  UPSTREAM_URL: httpUrl.optional(),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  UPSTREAM_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(0)
    .max(1024 ** 3)
    .default(10 * 1024 ** 2),
  METRICS: z.enum(['on', 'off']).default('on'),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (a random secret)').max(512).optional(),
  AUDIT_LOG: z.string().min(1).optional(),
});

/** What a login asks for unless OIDC_SCOPES says otherwise (plus `roles` where the provider offers it). */
export const DEFAULT_SCOPES = 'openid profile email';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads and validates the API's environment once, at start. `overrides` win over `env` (the CLI passes the
 * embedded issuer this way). A bad value throws one {@link ConfigError} line naming the variable.
 *
 * @example
 * const config = loadApiConfig(process.env, { OIDC_ISSUER: 'http://localhost:4000' });
 */
export function loadApiConfig(env: Env, overrides: Env = {}): ApiConfig {
  const merged: Record<string, string | undefined> = { ...env };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) merged[key] = value;
  const parsed = parseEnv(schema, merged);

  if (parsed.OIDC_ISSUER === undefined) {
    throw new ConfigError('OIDC_ISSUER', 'Invalid OIDC_ISSUER: required (the URL of your OpenID Provider)');
  }
  const issuer = new URL(parsed.OIDC_ISSUER);
  if (issuer.protocol !== 'https:' && !isLoopback(issuer)) {
    throw new ConfigError(
      'OIDC_ISSUER',
      'Invalid OIDC_ISSUER: must use https:// unless it is a loopback address',
    );
  }
  const publicUrlText = parsed.PUBLIC_URL ?? `http://localhost:${parsed.PORT}`;
  const publicUrl = new URL(publicUrlText);
  if (publicUrl.protocol !== 'https:' && !isLoopback(publicUrl)) {
    throw new ConfigError(
      'PUBLIC_URL',
      'Invalid PUBLIC_URL: must use https:// unless it is a loopback address (secure cookies need TLS)',
    );
  }
  if (publicUrl.pathname !== '/' || publicUrl.search !== '' || publicUrl.hash !== '') {
    throw new ConfigError(
      'PUBLIC_URL',
      'Invalid PUBLIC_URL: must be an origin, without path, query or fragment',
    );
  }
  if (parsed.OIDC_TOKEN_AUTH_METHOD !== 'private_key_jwt' && parsed.OIDC_CLIENT_SECRET === undefined) {
    throw new ConfigError(
      'OIDC_CLIENT_SECRET',
      `Invalid OIDC_CLIENT_SECRET: required with OIDC_TOKEN_AUTH_METHOD=${parsed.OIDC_TOKEN_AUTH_METHOD}`,
    );
  }
  if (parsed.REFRESH_IDLE_TTL > parsed.REFRESH_ABSOLUTE_TTL) {
    throw new ConfigError(
      'REFRESH_IDLE_TTL',
      'Invalid REFRESH_IDLE_TTL: must not exceed REFRESH_ABSOLUTE_TTL',
    );
  }
  const origin = publicUrl.origin;
  const upstream =
    parsed.UPSTREAM_URL === undefined
      ? undefined
      : {
          url: upstreamOrigin(parsed.UPSTREAM_URL, publicUrl, parsed.PORT),
          timeoutMs: parsed.UPSTREAM_TIMEOUT_MS,
          bodyLimit: parsed.UPSTREAM_BODY_LIMIT,
        };
  const databaseUrl = readDatabaseUrl(merged);
  return {
    port: parsed.PORT,
    publicUrl: origin,
    publicUrlExplicit: parsed.PUBLIC_URL !== undefined,
    oidcIssuer: parsed.OIDC_ISSUER,
    oidcClientId: parsed.OIDC_CLIENT_ID,
    oidcClientSecret: parsed.OIDC_CLIENT_SECRET,
    oidcTokenAuthMethod: parsed.OIDC_TOKEN_AUTH_METHOD,
    oidcHttpTimeoutMs: parsed.OIDC_HTTP_TIMEOUT_MS,
    oidcScopes: parsed.OIDC_SCOPES ?? DEFAULT_SCOPES,
    oidcScopesExplicit: parsed.OIDC_SCOPES !== undefined,
    oidcRolesClaim: parsed.OIDC_ROLES_CLAIM,
    oidcIdTokenAlg: parsed.OIDC_ID_TOKEN_ALG,
    dataDir: resolve(parsed.DATA_DIR),
    databaseUrl,
    gatehouseSecret: databaseUrl === undefined ? undefined : GatehouseSecret.fromEnv(merged),
    refreshGraceMs: parsed.REFRESH_GRACE * 1000,
    sessionCheckIntervalMs: parsed.OIDC_SESSION_CHECK_INTERVAL * 1000,
    nodeEnv: parsed.NODE_ENV,
    logLevel: parsed.LOG_LEVEL,
    rateLimitPerMinute: parsed.RATE_LIMIT_PER_MINUTE,
    accessTokenTtl: parsed.ACCESS_TOKEN_TTL,
    refreshIdleTtl: parsed.REFRESH_IDLE_TTL,
    refreshAbsoluteTtl: parsed.REFRESH_ABSOLUTE_TTL,
    apiAudience: parsed.API_AUDIENCE ?? origin,
    apiAudienceExplicit: parsed.API_AUDIENCE !== undefined,
    flowInspector: parsed.FLOW_INSPECTOR ? parsed.FLOW_INSPECTOR === 'on' : parsed.NODE_ENV !== 'production',
    oidcLogoutHint: parsed.OIDC_LOGOUT_HINT,
    spaDir: parsed.SPA_DIR === undefined ? undefined : resolve(parsed.SPA_DIR),
    connections: {
      max: parsed.API_MAX_CONNECTIONS,
      perAddress: parsed.API_MAX_CONNECTIONS_PER_ADDRESS,
      ...CONNECTION_TIMEOUTS,
    },
    trustProxy: parsed.API_TRUST_PROXY,
    upstream,
    metrics: parsed.METRICS === 'on',
    metricsToken: parsed.METRICS_TOKEN,
    auditLog: parsed.AUDIT_LOG,
  };
}

/**
 * UPSTREAM_URL as an origin: a path would be silently dropped by the proxy (it forwards the request's own path),
 * and the API itself as its upstream would forward every request to itself without end.
 */
function upstreamOrigin(value: string, publicUrl: URL, port: number): string {
  const url = new URL(value);
  if (
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    throw new ConfigError(
      'UPSTREAM_URL',
      'Invalid UPSTREAM_URL: must be an origin (http(s)://host:port), without path, query, fragment or credentials',
    );
  }
  const itself =
    url.origin === publicUrl.origin ||
    (isLoopback(url) && port !== 0 && Number(url.port || (url.protocol === 'https:' ? 443 : 80)) === port);
  if (itself) {
    throw new ConfigError(
      'UPSTREAM_URL',
      'Invalid UPSTREAM_URL: it is this API itself (PUBLIC_URL or PORT): name the server behind the gateway',
    );
  }
  return url.origin;
}
