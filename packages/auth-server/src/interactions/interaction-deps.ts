import type { AuditLog, Logger, Tracing } from '@gatehouse/common';
import type Provider from 'oidc-provider';
import type { AuthMetrics } from '../metrics/auth-metrics.js';
import type { PasswordHasher } from '../passwords/password-hasher.js';
import type { PasswordVerifier } from '../passwords/verify-password-or-dummy.js';
import type { AuthStore } from '../store/auth-store.js';
import type { DeviceCookies } from '../throttle/device-cookie.js';
import type { LoginThrottle } from '../throttle/login-throttle.js';
import type { SecondFactorThrottle } from '../throttle/second-factor-throttle.js';
import type { RelyingParty } from '../webauthn/relying-party.js';

/** What the interaction steps and `/account` need; the clock is injectable (milliseconds) for TOTP and throttling tests. */
export interface InteractionDeps {
  readonly provider: () => Provider;
  readonly store: AuthStore;
  readonly verifyPassword: PasswordVerifier;
  /** Hashes new passwords (`/account`). */
  readonly hasher: PasswordHasher;
  readonly throttle: LoginThrottle;
  readonly secondFactor: SecondFactorThrottle;
  readonly deviceCookies: DeviceCookies;
  /** Passkeys' relying party, known once the issuer is (after the port is bound). */
  readonly relyingParty: () => RelyingParty;
  readonly nowMs: () => number;
  readonly logger: Logger;
  /** Sign-ins counted by result and factor (no-ops when METRICS is off). */
  readonly metrics: AuthMetrics;
  /** AUDIT_LOG: one line per security event (nothing written when it is not set). */
  readonly audit: AuditLog;
  /** Spans of steps 4-6 (no-ops unless OTEL_EXPORTER_OTLP_ENDPOINT is set). */
  readonly tracing: Tracing;
}
