import { passkeyFactor } from './passkey-factor.js';
import { recoveryCodeFactor } from './recovery-code-factor.js';
import type { FactorRequest, SecondFactor } from './second-factor.js';
import { totpFactor } from './totp-factor.js';

/**
 * Every second factor, in the order the page offers them: the authenticator app's code first (what most users
 * have), then a passkey, then a recovery code (a way back in, never the default when another is there).
 */
export const SECOND_FACTORS: readonly SecondFactor[] = [totpFactor, passkeyFactor, recoveryCodeFactor];

/**
 * Whether an account needs a second factor after its password: it has TOTP or a passkey. Recovery codes alone do
 * not make one (they stand in for a lost authenticator, they are not one).
 */
export async function needsSecondFactor(request: Pick<FactorRequest, 'deps' | 'userId'>): Promise<boolean> {
  const summary = await request.deps.store.authenticators.summary(request.userId);
  return summary.totp || summary.passkeys > 0;
}
