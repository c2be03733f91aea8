import { matchTotpStep } from '../totp/totp.js';
import type { SecondFactor } from './second-factor.js';

/**
 * TOTP (RFC 6238): a 6-digit code within one step of drift, each time step accepted once (the store moves the
 * last accepted step forward atomically), `amr` `otp`. docs/security.md 30, 31.
 */
export const totpFactor: SecondFactor = {
  action: 'totp',
  guessable: true,
  async available({ deps, userId }) {
    return (await deps.store.authenticators.summary(userId)).totp;
  },
  async begin() {
    return undefined;
  },
  async verify({ deps, userId, nowMs }, form) {
    const code = (form.code ?? '').replace(/\s/g, '');
    const secret = await deps.store.authenticators.totpSecret(userId);
    if (secret === null) return { ok: false, reason: 'no_totp' };
    const step = code.length <= 10 ? matchTotpStep(secret, code, nowMs) : null;
    if (step === null) return { ok: false, reason: 'wrong_code' };
    if (!(await deps.store.authenticators.acceptTotpStep(userId, step)))
      return { ok: false, reason: 'replayed_code' };
    return { ok: true, amr: ['otp'], phishingResistant: false };
  },
};
