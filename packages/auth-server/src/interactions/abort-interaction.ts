import type { InteractionStep } from './interaction-step.js';
import { seeOther } from './respond.js';

/** POST `/interaction/<uid>/abort` ("Deny"): the client gets `access_denied` (RFC 6749 4.1.2.1). */
export const abortInteraction: InteractionStep = {
  method: 'POST',
  action: 'abort',
  async handle(ctx, _interaction, deps) {
    const returnTo = await deps
      .provider()
      .interactionResult(
        ctx.req,
        ctx.res,
        { error: 'access_denied', error_description: 'End-User denied the request' },
        { mergeWithLastSubmission: false },
      );
    return seeOther(ctx, returnTo);
  },
};
