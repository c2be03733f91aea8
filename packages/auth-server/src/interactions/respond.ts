import type { Context } from 'koa';
import type { Interaction, InteractionResults } from 'oidc-provider';
import { INTERACTION_PATH } from '../oidc/provider-configuration.js';

/** `/interaction/<uid>[/<action>]`. */
export function interactionUrl(uid: string, action?: string): string {
  return action ? `${INTERACTION_PATH}/${uid}/${action}` : `${INTERACTION_PATH}/${uid}`;
}

/** 303 See Other: after a POST the browser must GET the next page, never re-POST (RFC 9110 15.4.4). */
export function seeOther(ctx: Context, location: string): void {
  ctx.status = 303;
  ctx.redirect(location);
}

/**
 * Back to the interaction's page with a message code (not secret: `credentials`, `code`, `throttled`), and the
 * factor to show again (`method`) where the person was using one.
 */
export function backWithError(
  ctx: Context,
  uid: string,
  error: string,
  retryAfter?: number,
  method?: string,
): void {
  const query = new URLSearchParams({ error });
  if (retryAfter !== undefined) query.set('retry', String(retryAfter));
  if (method !== undefined) query.set('method', method);
  seeOther(ctx, `${interactionUrl(uid)}?${query.toString()}`);
}

/** Saves a partial result (the pending second factor) on the interaction without finishing it. */
export async function saveResult(interaction: Interaction, result: InteractionResults, nowSeconds: number) {
  interaction.result = result;
  await interaction.save(Math.max(1, interaction.exp - nowSeconds));
}

/**
 * oidc-provider's `interactionResult` on the interaction this request already loaded and checked against its
 * cookie (interactions/index.ts): the same result, merged the same way, saved for the rest of its life, without
 * reading it from the store a second time (a round trip on PostgreSQL). Resolves to where the browser goes next.
 */
export async function finishInteraction(
  interaction: Interaction,
  result: InteractionResults,
  nowSeconds: number,
  options: { mergeWithLastSubmission: boolean },
): Promise<string> {
  interaction.result =
    options.mergeWithLastSubmission && !('error' in result)
      ? { ...interaction.lastSubmission, ...result }
      : result;
  await interaction.save(Math.max(1, interaction.exp - nowSeconds));
  return interaction.returnTo;
}
