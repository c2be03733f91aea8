import type { InteractionStep } from './interaction-step.js';
import { finishInteraction, interactionUrl, seeOther } from './respond.js';

/**
 * POST `/interaction/<uid>/consent` ("Allow"): records what the person granted in a Grant, the way
 * oidc-provider's example does, and resumes the authorization request.
 */
export const submitConsent: InteractionStep = {
  method: 'POST',
  action: 'consent',
  async handle(ctx, interaction, deps) {
    const { prompt, params, session } = interaction;
    if (prompt.name !== 'consent' || !session) return seeOther(ctx, interactionUrl(interaction.uid));
    const provider = deps.provider();
    const grant = interaction.grantId
      ? await provider.Grant.find(interaction.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: String(params.client_id) });
    if (!grant) return seeOther(ctx, interactionUrl(interaction.uid));
    const details = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
    if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
    if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
    const grantId = await grant.save();
    const returnTo = await finishInteraction(
      interaction,
      { consent: interaction.grantId ? {} : { grantId } },
      Math.floor(deps.nowMs() / 1000),
      { mergeWithLastSubmission: true },
    );
    return seeOther(ctx, returnTo);
  },
};
