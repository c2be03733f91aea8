import {
  CONNECTION_TIMEOUTS,
  type ConnectionLimits,
  DEFAULT_CONNECTIONS_PER_ADDRESS,
  GatehouseSecret,
  LOG_LEVELS,
  parseEnv,
  readDatabaseUrl,
  type TrustedProxies,
  trustProxySetting,
} from '@gatehouse/common';
import { z } from 'zod';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../keys/signing-algorithms.js';

const seconds = (fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .max(366 * 24 * 3600)
    .default(fallback);

const schema = z.object({
  AUTH_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  AUTH_HOST: z.string().min(1).default('localhost'),
  AUTH_ISSUER: z
    .url({ protocol: /^https?$/ })
    .refine((value) => !/[?#]/.test(value), 'must not carry a query or fragment')
    .optional(),
  AUTH_TRUST_PROXY: trustProxySetting,
  AUTH_RP_ID: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, 'must be a lower-case host name, without scheme or port')
    .optional(),
  AUTH_ORIGIN: z
    .url({ protocol: /^https?$/ })
    .refine(
      (value) => new URL(value).origin === value.replace(/\/$/, ''),
      'must be an origin: scheme, host, port',
    )
    .optional(),
  AUTH_ID_TOKEN_ALG: z.enum(SIGNING_ALGORITHMS).default('RS256'),
  AUTH_ACCESS_TOKEN_TTL: seconds(600),
  AUTH_ID_TOKEN_TTL: seconds(600),
  AUTH_REFRESH_TOKEN_TTL: seconds(14 * 24 * 3600),
  AUTH_SESSION_TTL: seconds(14 * 24 * 3600),
  AUTH_CODE_TTL: seconds(60),
  AUTH_INTERACTION_TTL: seconds(600),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(60),
  DATA_DIR: z.string().min(1).default('.data'),
  NODE_ENV: z.string().default('development'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  AUTH_MAX_CONNECTIONS: z.coerce.number().int().min(16).max(10_000_000).optional(),
  AUTH_MAX_CONNECTIONS_PER_ADDRESS: z.coerce
    .number()
    .int()
    .min(0)
    .max(10_000_000)
    .default(DEFAULT_CONNECTIONS_PER_ADDRESS),
  METRICS: z.enum(['on', 'off']).default('on'),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters (a random secret)').max(512).optional(),
  AUDIT_LOG: z.string().min(1).optional(),
});

/** The auth server's settings, validated once at start. Durations in seconds. */
export interface AuthServerConfig {
  /** Port to listen on; 0 picks a free one (tests). */
  readonly port: number;
  /** Interface to bind. */
  readonly host: string;
  /** Fixed issuer URL; when absent it is `http://localhost:<bound port>`. */
  readonly issuer: string | undefined;
  /**
   * The TLS-terminating proxy in front whose `X-Forwarded-*` are believed (Koa `proxy`; the client address is the
   * last X-Forwarded-For entry): none, every peer, or listed peers (docs/security.md 37).
   */
  readonly trustProxy: TrustedProxies;
  /**
   * Passkeys (WebAuthn): the relying party id (`AUTH_RP_ID`) and the origin the pages run at (`AUTH_ORIGIN`);
   * each defaults to the issuer's host name and origin, once the issuer is known.
   */
  readonly webauthn: { readonly rpId: string | undefined; readonly origin: string | undefined };
  readonly idTokenSigningAlg: SigningAlgorithm;
  readonly ttl: {
    readonly accessToken: number;
    readonly idToken: number;
    readonly refreshToken: number;
    readonly session: number;
    readonly authorizationCode: number;
    readonly interaction: number;
  };
  /**
   * Authorization requests (`/auth`, each one starts a sign-in and writes an interaction) per client address per
   * minute; 0 turns the limit off. `RATE_LIMIT_PER_MINUTE`, the same setting as the API's per-route limits.
   */
  readonly authorizationRequestsPerMinute: number;
  readonly dataDir: string;
  /**
   * PostgreSQL instead of SQLite in `dataDir`: `DATABASE_URL`, with `GATEHOUSE_SECRET` (required then), from
   * which the keys that seal every secret in the database are derived. Undefined: the embedded SQLite store.
   */
  readonly database: { readonly url: string; readonly secret: GatehouseSecret } | undefined;
  readonly production: boolean;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** How many connections the server holds, and for how long (docs/security.md 50). */
  readonly connections: Readonly<ConnectionLimits>;
  /** METRICS: whether the server counts and serves `/metrics` (on by default). */
  readonly metrics: boolean;
  /** METRICS_TOKEN: the bearer `/metrics` requires, when set (docs/security.md 47). */
  readonly metricsToken: string | undefined;
  /** AUDIT_LOG: a file the security events are appended to, `-` for standard output; none by default. */
  readonly auditLog: string | undefined;
}

/**
 * Reads the auth server's environment: `AUTH_PORT` (4000), `AUTH_HOST` (localhost), `AUTH_ISSUER`,
 * `AUTH_TRUST_PROXY` (false), `AUTH_RP_ID` and `AUTH_ORIGIN` (the issuer's), `AUTH_ID_TOKEN_ALG` (RS256), `AUTH_ACCESS_TOKEN_TTL` (600),
 * `AUTH_ID_TOKEN_TTL` (600), `AUTH_REFRESH_TOKEN_TTL` (14 days), `AUTH_SESSION_TTL` (14 days),
 * `AUTH_CODE_TTL` (60), `AUTH_INTERACTION_TTL` (600), `RATE_LIMIT_PER_MINUTE` (60), `DATA_DIR` (.data),
 * `NODE_ENV`, `LOG_LEVEL` (info), `AUTH_MAX_CONNECTIONS` (from the descriptor limit),
 * `AUTH_MAX_CONNECTIONS_PER_ADDRESS` (256), `METRICS` (on), `METRICS_TOKEN`, `AUDIT_LOG`, `DATABASE_URL` with
 * `GATEHOUSE_SECRET` (PostgreSQL; else SQLite in DATA_DIR).
 * Throws a `ConfigError` naming the first bad variable.
 */
export function loadAuthServerConfig(env: Readonly<Record<string, string | undefined>>): AuthServerConfig {
  const parsed = parseEnv(schema, env);
  return {
    port: parsed.AUTH_PORT,
    host: parsed.AUTH_HOST,
    issuer: parsed.AUTH_ISSUER?.replace(/\/$/, ''),
    trustProxy: parsed.AUTH_TRUST_PROXY,
    webauthn: { rpId: parsed.AUTH_RP_ID, origin: parsed.AUTH_ORIGIN?.replace(/\/$/, '') },
    idTokenSigningAlg: parsed.AUTH_ID_TOKEN_ALG,
    ttl: {
      accessToken: parsed.AUTH_ACCESS_TOKEN_TTL,
      idToken: parsed.AUTH_ID_TOKEN_TTL,
      refreshToken: parsed.AUTH_REFRESH_TOKEN_TTL,
      session: parsed.AUTH_SESSION_TTL,
      authorizationCode: parsed.AUTH_CODE_TTL,
      interaction: parsed.AUTH_INTERACTION_TTL,
    },
    authorizationRequestsPerMinute: parsed.RATE_LIMIT_PER_MINUTE,
    dataDir: parsed.DATA_DIR,
    database: readDatabaseSettings(env),
    production: parsed.NODE_ENV === 'production',
    logLevel: parsed.LOG_LEVEL,
    connections: {
      max: parsed.AUTH_MAX_CONNECTIONS,
      perAddress: parsed.AUTH_MAX_CONNECTIONS_PER_ADDRESS,
      ...CONNECTION_TIMEOUTS,
    },
    metrics: parsed.METRICS === 'on',
    metricsToken: parsed.METRICS_TOKEN,
    auditLog: parsed.AUDIT_LOG,
  };
}

/**
 * `DATABASE_URL` and `GATEHOUSE_SECRET` (required with it), or undefined without DATABASE_URL (SQLite in
 * DATA_DIR). Each bad or missing value is a ConfigError naming it, never echoing it. The CLI's commands read
 * only these (and DATA_DIR), not every setting of the server.
 */
export function readDatabaseSettings(
  env: Readonly<Record<string, string | undefined>>,
): AuthServerConfig['database'] {
  const url = readDatabaseUrl(env);
  return url === undefined ? undefined : { url, secret: GatehouseSecret.fromEnv(env) };
}

/** The issuer the auth server announces: AUTH_ISSUER, or `http://localhost:<port>` on the port it bound. */
export function issuerFor(config: Pick<AuthServerConfig, 'issuer'>, port: number): string {
  return config.issuer ?? `http://localhost:${port}`;
}
