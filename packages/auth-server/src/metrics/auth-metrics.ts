import { createMetricsRegistry, loadPromClient } from '@gatehouse/common';
import type { Registry } from 'prom-client';

/** How a sign-in step ended (docs/security.md 47: closed sets only, never a user or an address). */
export type SignInResult = 'success' | 'failure' | 'throttled';

/** The factor a sign-in step checked: the password, or the factor after it, or a passkey alone. */
export type SignInFactor = 'password' | 'totp' | 'passkey' | 'recovery_code';

/** The auth server's counters, in a registry of its own. */
export interface AuthMetrics {
  /** The registry `/metrics` shows; undefined when METRICS is off. */
  readonly registry: Registry | undefined;
  signIn(result: SignInResult, factor: SignInFactor): void;
  /** An authorization request refused by RATE_LIMIT_PER_MINUTE. */
  rateLimited(): void;
}

/** Metrics off (METRICS=off): nothing counted, nothing registered. */
export const NO_AUTH_METRICS: AuthMetrics = {
  registry: undefined,
  signIn: () => undefined,
  rateLimited: () => undefined,
};

/** The auth server's metrics, with prom-client's process metrics (prom-client is loaded only now). */
export function createAuthMetrics(): AuthMetrics {
  const { Counter } = loadPromClient();
  const registry = createMetricsRegistry();
  const signIns = new Counter({
    name: 'gatehouse_auth_sign_ins_total',
    help: 'Sign-in steps at the embedded auth server by result (success, failure, throttled) and factor',
    labelNames: ['result', 'factor'] as const,
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'gatehouse_auth_rate_limited_total',
    help: 'Authorization requests refused by the per-address rate limit (RATE_LIMIT_PER_MINUTE)',
    registers: [registry],
  });
  signIns.inc({ result: 'success', factor: 'password' }, 0);
  return {
    registry,
    signIn: (result, factor) => signIns.inc({ result, factor }),
    rateLimited: () => rateLimited.inc(),
  };
}

/** The factor label of a second factor's action. */
export function factorOf(action: 'totp' | 'passkey' | 'recovery'): SignInFactor {
  return action === 'recovery' ? 'recovery_code' : action;
}
