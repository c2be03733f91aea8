import type { Context } from 'koa';
import type { Interaction } from 'oidc-provider';
import type { SignInFactor, SignInResult } from '../metrics/auth-metrics.js';
import type { InteractionDeps } from './interaction-deps.js';

/** Why a sign-in step was refused, as the audit log says it. */
export type SignInRefusal =
  | 'password'
  | 'second_factor'
  | 'passkey'
  | 'disabled'
  | 'unavailable'
  | 'throttled'
  | 'locked';

/**
 * Counts a sign-in step (metrics: result and factor) and writes its audit line: `sign_in.succeeded` or
 * `sign_in.failed` with the user's id when the account is known, the client, the address and the reason. Never
 * what was typed (docs/security.md 48): an unknown username may be a password typed in the wrong field.
 */
export function recordSignIn(
  deps: InteractionDeps,
  ctx: Context,
  interaction: Interaction,
  step: { result: SignInResult; factor: SignInFactor; userId?: string | undefined; reason?: SignInRefusal },
): void {
  deps.metrics.signIn(step.result, step.factor);
  const clientId = interaction.params.client_id;
  deps.audit.write({
    event: step.result === 'success' ? 'sign_in.succeeded' : 'sign_in.failed',
    outcome: step.result === 'success' ? 'success' : 'failure',
    user: step.userId,
    client: typeof clientId === 'string' ? clientId : undefined,
    address: ctx.ip,
    factor: step.factor,
    reason: step.reason,
  });
}
