import type { interactionPolicy as InteractionPolicyModule, KoaContextWithOIDC } from 'oidc-provider';
import { PHISHING_RESISTANT_ACR, phishingResistantRequested } from '../interactions/interaction-state.js';

/** Whether a registered client is first-party (`gatehouse clients add --first-party`, the API of `gatehouse start`). */
export type IsFirstParty = (clientId: string) => Promise<boolean>;

/**
 * oidc-provider's prompts, with one check added to `login`: a client that asks for a phishing-resistant sign-in
 * (`acr_values=phr`) is sent to the sign-in page unless this browser's session was made with a passkey (`acr`
 * `phr`), where only a passkey is offered: it gets such a sign-in or an error, never a password one
 * (docs/security.md 46). `prompt=none` then ends in `login_required`. And one changed in `consent`: see
 * {@link standingOfflineConsent}. `policyModule` is oidc-provider's `interactionPolicy`, passed in because the
 * module is loaded only when the server starts.
 */
export function interactionPolicyFor(
  policyModule: typeof InteractionPolicyModule,
  isFirstParty: IsFirstParty,
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
  // `consent_prompt` is the check that shows the consent page because the request says `prompt=consent`.
  const requested = policy.get('consent')?.checks.get('consent_prompt');
  if (requested === undefined) throw new Error("oidc-provider's consent prompt has no consent_prompt check");
  const asked = requested.check;
  requested.check = async (ctx) =>
    (await standingOfflineConsent(ctx, isFirstParty)) ? policyModule.Check.NO_NEED_TO_PROMPT : asked(ctx);
  return policy;
}

/**
 * OpenID Connect Core 11: a request for `offline_access` carries `prompt=consent` (oidc-provider drops the scope
 * without it), "unless other conditions for processing the request permitting offline access … are in place". A
 * first-party client is such a condition: the operator registered it as its own, and its grant (offline access
 * included, load-existing-grant.ts) stands for every user, so the consent page would come back at every sign-in
 * with OIDC_SESSION_CHECK_INTERVAL on, asking nothing new. Only that case skips the page: a third-party client,
 * or `prompt=consent` without `offline_access`, is still asked; the other consent checks (a scope or claim the
 * grant lacks) still apply to everyone. The reasons at length: docs/security.md, under case 49 (sessions that
 * follow the provider).
 */
async function standingOfflineConsent(ctx: KoaContextWithOIDC, isFirstParty: IsFirstParty): Promise<boolean> {
  const client = ctx.oidc.client;
  if (client === undefined || !ctx.oidc.requestParamScopes.has('offline_access')) return false;
  return isFirstParty(client.clientId);
}
