import type { InteractionStep } from './interaction-step.js';
import { finishInteraction, seeOther } from './respond.js';

/** POST `/interaction/<uid>/abort` ("Deny"): the client gets `access_denied` (RFC 6749 4.1.2.1). */
export const abortInteraction: InteractionStep = {
  method: 'POST',
  action: 'abort',
  async handle(ctx, interaction, deps) {
    const returnTo = await finishInteraction(
      interaction,
      { error: 'access_denied', error_description: 'End-User denied the request' },
      Math.floor(deps.nowMs() / 1000),
      { mergeWithLastSubmission: false },
    );
    return seeOther(ctx, returnTo);
  },
};
