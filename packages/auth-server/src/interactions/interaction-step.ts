import type { Context } from 'koa';
import type { Interaction } from 'oidc-provider';
import type { InteractionDeps } from './interaction-deps.js';

/** One step of the sign-in pipeline: the HTTP method and sub-path it answers, and what it does. */
export interface InteractionStep {
  readonly method: 'GET' | 'POST';
  /** '' for `/interaction/<uid>`, else `/interaction/<uid>/<action>`. */
  readonly action: string;
  handle(ctx: Context, interaction: Interaction, deps: InteractionDeps): Promise<void>;
}
