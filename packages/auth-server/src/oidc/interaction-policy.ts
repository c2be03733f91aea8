import type { interactionPolicy as InteractionPolicyModule } from 'oidc-provider';
import { PHISHING_RESISTANT_ACR, phishingResistantRequested } from '../interactions/interaction-state.js';

/**
 * oidc-provider's prompts, with one check added to `login`: a client that asks for a phishing-resistant sign-in
 * (`acr_values=phr`) is sent to the sign-in page unless this browser's session was made with a passkey (`acr`
 * `phr`), where only a passkey is offered: it gets such a sign-in or an error, never a password one
 * (docs/security.md 46). `prompt=none` then ends in `login_required`. `policyModule` is oidc-provider's
 * `interactionPolicy`, passed in because the module is loaded only when the server starts.
 */
export function interactionPolicyFor(
  policyModule: typeof InteractionPolicyModule,
): InteractionPolicyModule.DefaultPolicy {
  const policy = policyModule.base();
  policy
    .get('login')
    ?.checks.add(
      new policyModule.Check(
        'phishing_resistant_required',
        'a phishing-resistant sign-in (a passkey) is required',
        'login_required',
        (ctx) =>
          phishingResistantRequested(ctx.oidc.params ?? {}) &&
          ctx.oidc.session?.acr !== PHISHING_RESISTANT_ACR
            ? policyModule.Check.REQUEST_PROMPT
            : policyModule.Check.NO_NEED_TO_PROMPT,
      ),
    );
  return policy;
}
