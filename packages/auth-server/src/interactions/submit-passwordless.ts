import { checkPasskeyAssertion, passkeyAmr } from '../factors/passkey-assertion.js';
import { readFormBody } from '../http/read-form-body.js';
import { completeSignIn } from './complete-sign-in.js';
import { interactionChallengeKey } from './interaction-state.js';
import type { InteractionStep } from './interaction-step.js';
import { recordSignIn } from './record-sign-in.js';
import { backWithError, interactionUrl, seeOther } from './respond.js';

/**
 * POST `/interaction/<uid>/passwordless`: "Sign in with a passkey" (or the username field's passkey autofill).
 * A discoverable credential with user verification is a whole sign-in, no second factor after it: something
 * held and a PIN or biometric (NIST SP 800-63B 5.1.9), bound to this origin, so `acr` `phr` and `amr` `hwk` or
 * `swk` with `mfa`. Every check of docs/security.md 43 is in `checkPasskeyAssertion`; a refusal shows a message on
 * the page.
 */
export const submitPasswordless: InteractionStep = {
  method: 'POST',
  action: 'passwordless',
  async handle(ctx, interaction, deps) {
    if (interaction.prompt.name !== 'login') return seeOther(ctx, interactionUrl(interaction.uid));
    const form = await readFormBody(ctx.req);
    const checked = await checkPasskeyAssertion(deps, {
      field: form.response,
      challengeKey: interactionChallengeKey(interaction.uid),
      nowMs: deps.nowMs(),
    });
    if (!checked.ok) {
      recordSignIn(deps, ctx, interaction, {
        result: 'failure',
        factor: 'passkey',
        reason: checked.failure === 'disabled' ? 'disabled' : 'passkey',
      });
      deps.logger.info(
        { event: 'passkey_sign_in_failed', reason: checked.failure, uid: interaction.uid },
        'passkey sign-in refused',
      );
      return backWithError(ctx, interaction.uid, checked.failure === 'disabled' ? 'disabled' : 'passkey');
    }
    return completeSignIn(ctx, interaction, deps, {
      user: checked.user,
      amr: [passkeyAmr(checked.passkey)],
      multiFactor: true,
      phishingResistant: true,
      password: false,
      correctCode: false,
      factor: 'passkey',
    });
  },
};
