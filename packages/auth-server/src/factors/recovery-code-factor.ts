import { useRecoveryCode } from '../recovery/recovery-codes.js';
import type { SecondFactor } from './second-factor.js';

/**
 * A recovery code, for someone who lost their authenticator: each works once, `amr` `otp` (a one-time code)
 * and `recovery_code` (which one), and the person is told how many are left. docs/security.md 44.
 */
export const recoveryCodeFactor: SecondFactor = {
  action: 'recovery',
  guessable: true,
  async available({ deps, userId }) {
    return (await deps.store.authenticators.summary(userId)).recoveryCodes > 0;
  },
  async begin() {
    return undefined;
  },
  async verify({ deps, userId, nowMs }, form) {
    const used = await useRecoveryCode(deps.store, userId, form.code ?? '', Math.floor(nowMs / 1000));
    if (!used) return { ok: false, reason: 'wrong_recovery_code' };
    return {
      ok: true,
      amr: ['otp', 'recovery_code'],
      phishingResistant: false,
      recoveryCodesLeft: used.remaining,
    };
  },
};
