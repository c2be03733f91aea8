import { authenticationOptions, CHALLENGE_SECONDS } from '../webauthn/passkey-ceremonies.js';
import { checkPasskeyAssertion, passkeyAmr } from './passkey-assertion.js';
import type { SecondFactor } from './second-factor.js';

/**
 * A passkey as the second factor after a password: the browser is offered the account's own passkeys, and an
 * assertion from any other account's passkey is refused (docs/security.md 43). `amr` `hwk` or `swk`.
 */
export const passkeyFactor: SecondFactor = {
  action: 'passkey',
  guessable: false,
  async available({ deps, userId }) {
    return (await deps.store.authenticators.summary(userId)).passkeys > 0;
  },
  async begin({ deps, userId, challengeKey, nowMs }) {
    const options = await authenticationOptions(
      deps.relyingParty(),
      await deps.store.authenticators.listPasskeys(userId),
    );
    await deps.store.challenges.put(
      challengeKey,
      options.challenge,
      Math.floor(nowMs / 1000) + CHALLENGE_SECONDS,
    );
    return { ...options };
  },
  async verify({ deps, userId, challengeKey, nowMs }, form) {
    const checked = await checkPasskeyAssertion(deps, {
      field: form.response,
      challengeKey,
      expectedUserId: userId,
      nowMs,
    });
    if (!checked.ok) return { ok: false, reason: checked.failure };
    return { ok: true, amr: [passkeyAmr(checked.passkey)], phishingResistant: true };
  },
};
