import { isDatabaseUnavailable } from '@gatehouse/common';
import type { Context, Next } from 'koa';
import { passkeyFactor } from '../factors/passkey-factor.js';
import { recoveryCodeFactor } from '../factors/recovery-code-factor.js';
import { totpFactor } from '../factors/totp-factor.js';
import { isCrossSite } from '../http/is-cross-site.js';
import { FormBodyError } from '../http/read-form-body.js';
import { INTERACTION_PATH } from '../oidc/provider-configuration.js';
import { errorPage } from '../pages/error-page.js';
import { abortInteraction } from './abort-interaction.js';
import { backLinkForInteraction } from './back-link-for-interaction.js';
import type { InteractionDeps } from './interaction-deps.js';
import type { InteractionStep } from './interaction-step.js';
import { showInteraction } from './show-interaction.js';
import { stepSpan } from './step-spans.js';
import { submitConsent } from './submit-consent.js';
import { submitLogin } from './submit-login.js';
import { submitPasswordless } from './submit-passwordless.js';
import { secondFactorStep } from './submit-second-factor.js';

/**
 * The sign-in pipeline, in order: show the current page, then the password or a passkey alone, a second factor
 * after the password (only for users who have one: TOTP, a passkey, or a recovery code in their place), consent
 * (third-party clients only; first-party ones get their grant in loadExistingGrant), or abort. oidc-provider
 * resumes the authorization request once a step finishes the interaction.
 */
export const INTERACTION_STEPS: readonly InteractionStep[] = [
  showInteraction,
  submitLogin,
  submitPasswordless,
  secondFactorStep(totpFactor),
  secondFactorStep(passkeyFactor),
  secondFactorStep(recoveryCodeFactor),
  submitConsent,
  abortInteraction,
];

const ROUTE = new RegExp(`^${INTERACTION_PATH}/([A-Za-z0-9_-]{1,64})(?:/([a-z]+))?$`);

/**
 * Koa middleware for `/interaction/*`. Each request is tied to its interaction through oidc-provider's
 * interaction cookie (HttpOnly, SameSite=Lax, path-scoped to this uid): a POST for interaction X from a browser
 * that lacks X's cookie (a cross-site form, another tab's interaction) fails with SessionNotFound.
 */
export function interactionRoutes(deps: InteractionDeps) {
  return async function interactions(ctx: Context, next: Next): Promise<void> {
    const match = ROUTE.exec(ctx.path);
    if (!match) return next();
    const [, uid = '', action = ''] = match;
    const step = INTERACTION_STEPS.find((each) => each.method === ctx.method && each.action === action);
    if (!step) {
      ctx.status = 405;
      ctx.type = 'html';
      ctx.body = errorPage({ error: 'method_not_allowed', back: await backLinkForInteraction(deps, uid) });
      return;
    }
    if (ctx.method === 'POST' && isCrossSite(ctx.get('sec-fetch-site'))) {
      ctx.status = 403;
      ctx.type = 'html';
      ctx.body = errorPage({ error: 'cross_site_request', back: await backLinkForInteraction(deps, uid) });
      return;
    }
    try {
      const interaction = await deps.provider().interactionDetails(ctx.req, ctx.res);
      // The cookie names the interaction; the URL must name the same one.
      if (interaction.uid !== uid) throw new InteractionMismatch();
      const span = deps.tracing.enabled ? stepSpan(step.method, step.action) : undefined;
      if (span === undefined) await step.handle(ctx, interaction, deps);
      else
        await deps.tracing.span(
          span.name,
          span.attributes,
          () => step.handle(ctx, interaction, deps),
          'server',
        );
    } catch (error) {
      await renderInteractionError(ctx, error, deps, uid);
    }
  };
}

async function renderInteractionError(
  ctx: Context,
  error: unknown,
  deps: InteractionDeps,
  uid: string,
): Promise<void> {
  // The database being down is answered 503 by http/database-outage.ts, not as our failure (docs/security.md 42).
  if (isDatabaseUnavailable(error)) throw error;
  ctx.type = 'html';
  const back = await backLinkForInteraction(deps, uid);
  // oidc-provider's SessionNotFound (no or unknown interaction cookie); matched by name so that this module
  // does not load oidc-provider (the CLI imports this package and should not pay for, or warn about, it).
  if (error instanceof InteractionMismatch || (error instanceof Error && error.name === 'SessionNotFound')) {
    ctx.status = 400;
    ctx.body = errorPage({ error: 'session_not_found', back });
    return;
  }
  if (error instanceof FormBodyError) {
    ctx.status = error.status;
    // Close the connection after this answer: keeping it alive means reading, to its end, the rest of a body
    // that may be unbounded (chunked) just to discard it.
    if (error.status === 413) ctx.set('Connection', 'close');
    ctx.body = errorPage({ error: error.status === 413 ? 'request_too_large' : 'invalid_request', back });
    return;
  }
  deps.logger.error({ err: error, path: ctx.path }, 'interaction failed');
  ctx.status = 500;
  ctx.body = errorPage({ error: 'server_error', back });
}

/** The URL names another interaction than the browser's interaction cookie. */
class InteractionMismatch extends Error {
  constructor() {
    super('interaction mismatch');
    this.name = 'InteractionMismatch';
  }
}
