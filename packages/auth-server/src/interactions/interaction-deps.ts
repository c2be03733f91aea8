import type { Logger } from '@gatehouse/common';
import type Provider from 'oidc-provider';
import type { PasswordVerifier } from '../passwords/verify-password-or-dummy.js';
import type { AuthStore } from '../store/auth-store.js';
import type { DeviceCookies } from '../throttle/device-cookie.js';
import type { LoginThrottle } from '../throttle/login-throttle.js';
import type { SecondFactorThrottle } from '../throttle/second-factor-throttle.js';

/** What the interaction steps need; the clock is injectable (milliseconds) for TOTP and throttling tests. */
export interface InteractionDeps {
  readonly provider: () => Provider;
  readonly store: AuthStore;
  readonly verifyPassword: PasswordVerifier;
  readonly throttle: LoginThrottle;
  readonly secondFactor: SecondFactorThrottle;
  readonly deviceCookies: DeviceCookies;
  readonly nowMs: () => number;
  readonly logger: Logger;
}
