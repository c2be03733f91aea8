import { createMetricsRegistry, loadPromClient } from '@gatehouse/common';
import type { Registry } from 'prom-client';
import { ApiError } from '../errors/api-error.js';
import { CALLBACK_PIPELINE } from '../oidc/callback-checks/index.js';

/** How a sign-in at the callback ended: `success`, or the named check that refused it (docs/security.md 47). */
export type LoginResult = 'success' | 'provider_unavailable' | 'open_session' | 'error' | string;

/** How a refresh ended. */
export type RefreshResult =
  | 'success'
  | 'no_session'
  | 'invalid'
  | 'expired'
  | 'revoked'
  | 'reuse_detected'
  | 'cross_origin'
  | 'error';

/** How a bearer token verification ended. */
export type TokenVerificationResult = 'success' | 'invalid' | 'expired' | 'revoked';

/** Which of the provider's endpoints a call went to. */
export type ProviderEndpoint = 'discovery' | 'jwks' | 'token' | 'userinfo' | 'other';

/**
 * The API's counters. Every label value comes from a closed set (docs/security.md 47): a check's name, a result
 * named here, an endpoint, a route pattern of Gatehouse's own; never a user, token, address or URL. A value
 * outside its set is counted as `error` / `other`, so no caller can widen a label by mistake.
 */
export interface ApiMetrics {
  /** The registry `/metrics` shows; undefined when METRICS is off. */
  readonly registry: Registry | undefined;
  login(flow: 'spa' | 'simple', result: LoginResult): void;
  refresh(result: RefreshResult): void;
  /** Undefined when off, so the hot path makes no call at all. */
  readonly tokenVerification: ((result: TokenVerificationResult) => void) | undefined;
  providerRequest(endpoint: ProviderEndpoint, seconds: number): void;
  rateLimited(route: string): void;
  backchannelLogout(result: 'success' | 'refused'): void;
}

/** The results a login is counted under: success, each callback check, and the failures outside the checks. */
export const LOGIN_RESULTS: ReadonlySet<string> = new Set([
  'success',
  'provider_unavailable',
  'open_session',
  'error',
  ...CALLBACK_PIPELINE.map((check) => check.name),
]);

/** Gatehouse's own rate-limited routes, the only values of the `route` label. */
export const RATE_LIMITED_ROUTES: ReadonlySet<string> = new Set([
  '/api/login',
  '/api/callback',
  '/api/refresh',
  '/authorization-code/login',
  '/authorization-code/callback',
]);

const REFRESH_RESULTS: ReadonlySet<string> = new Set<RefreshResult>([
  'success',
  'no_session',
  'invalid',
  'expired',
  'revoked',
  'reuse_detected',
  'cross_origin',
  'error',
]);

/** Metrics off (METRICS=off): nothing counted, nothing registered, no call on the hot path. */
export const NO_API_METRICS: ApiMetrics = {
  registry: undefined,
  login: () => undefined,
  refresh: () => undefined,
  tokenVerification: undefined,
  providerRequest: () => undefined,
  rateLimited: () => undefined,
  backchannelLogout: () => undefined,
};

/** The API's metrics in a registry of this server's own, with the process metrics (prom-client loaded only now). */
export function createApiMetrics(): ApiMetrics {
  const { Counter, Histogram } = loadPromClient();
  const registry = createMetricsRegistry();
  const logins = new Counter({
    name: 'gatehouse_api_logins_total',
    help: 'Sign-ins completed at the callback (result success), or refused by the named check',
    labelNames: ['flow', 'result'] as const,
    registers: [registry],
  });
  const refreshes = new Counter({
    name: 'gatehouse_api_refresh_total',
    help: 'Refresh requests by result (reuse_detected revokes the session)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  // The hot path (every /api/me and guarded request): counted in plain numbers, handed to prom-client only when
  // scraped, so a request pays an increment rather than prom-client's label hashing.
  const verified: Record<TokenVerificationResult, number> = {
    success: 0,
    invalid: 0,
    expired: 0,
    revoked: 0,
  };
  new Counter({
    name: 'gatehouse_api_token_verifications_total',
    help: "Verifications of the API's own bearer tokens by result",
    labelNames: ['result'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [result, count] of Object.entries(verified)) this.inc({ result }, count);
    },
  });
  const providerRequests = new Histogram({
    name: 'gatehouse_api_provider_request_duration_seconds',
    help: "Duration of the API's calls to the OpenID Provider, by endpoint",
    labelNames: ['endpoint'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'gatehouse_api_rate_limited_total',
    help: 'Requests refused by the per-address rate limit (RATE_LIMIT_PER_MINUTE), by route',
    labelNames: ['route'] as const,
    registers: [registry],
  });
  const backchannel = new Counter({
    name: 'gatehouse_api_backchannel_logouts_total',
    help: 'Back-channel logout requests by result',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  // Seen at zero from the first scrape, so a rate over them is defined before the first sign-in.
  logins.inc({ flow: 'spa', result: 'success' }, 0);
  refreshes.inc({ result: 'success' }, 0);
  return {
    registry,
    login: (flow, result) => logins.inc({ flow, result: LOGIN_RESULTS.has(result) ? result : 'error' }),
    refresh: (result) => refreshes.inc({ result: REFRESH_RESULTS.has(result) ? result : 'error' }),
    tokenVerification: (result) => {
      verified[result]++;
    },
    providerRequest: (endpoint, seconds) => providerRequests.observe({ endpoint }, seconds),
    rateLimited: (route) => rateLimited.inc({ route: RATE_LIMITED_ROUTES.has(route) ? route : 'other' }),
    backchannelLogout: (result) => backchannel.inc({ result }),
  };
}

/** The verification result a refused bearer token is counted under. */
export function verificationFailure(error: unknown): TokenVerificationResult {
  if (error instanceof ApiError && error.code === 'session_revoked') return 'revoked';
  if (error instanceof ApiError && error.detail === 'token_expired') return 'expired';
  return 'invalid';
}
