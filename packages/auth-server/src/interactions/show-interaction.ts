import type { Context } from 'koa';
import type { Interaction } from 'oidc-provider';
import { clientDisplayName } from '../clients/client-display.js';
import type { FactorRequest } from '../factors/second-factor.js';
import { SECOND_FACTORS } from '../factors/second-factors.js';
import { consentPage } from '../pages/consent-page.js';
import { formatWait } from '../pages/format-wait.js';
import { loginPage, passkeyOnlyPage } from '../pages/login-page.js';
import {
  recoveryNoticePage,
  type SecondFactorChoices,
  secondFactorPage,
} from '../pages/second-factor-page.js';
import { authenticationOptions, CHALLENGE_SECONDS } from '../webauthn/passkey-ceremonies.js';
import type { InteractionDeps } from './interaction-deps.js';
import {
  interactionChallengeKey,
  type PendingSecondFactor,
  phishingResistantRequested,
  readNotice,
  readPending,
  readUsername,
} from './interaction-state.js';
import type { InteractionStep } from './interaction-step.js';
import { interactionUrl } from './respond.js';

const MESSAGES: Record<string, string> = {
  credentials: 'Invalid username or password',
  code: 'Invalid code',
  // The right code, used already in its 30 s step (RFC 6238 5.2): the person waits for the next, not retypes it.
  code_used: 'This code was already used; wait for the next one.',
  recovery: 'Invalid recovery code',
  passkey: 'That passkey could not be used to sign in. Try again, or sign in another way.',
  passkey_required: 'A password is not enough for this application: sign in with a passkey.',
  // SECOND_FACTOR_POLICY.lockAfter wrong codes in a row: only an administrator can lift it.
  locked: 'Too many wrong codes. Sign-in to this account is blocked until an administrator resets it.',
  disabled: 'This account is disabled. Ask your administrator to enable it.',
};

/**
 * GET `/interaction/<uid>`: the page for where this interaction stands (sign-in, second factor, a notice after a
 * recovery code, or consent). The client is named by its registered display name; after a refused password the
 * username typed is filled in again from the interaction record. A page that offers a passkey stores a new
 * challenge for this interaction (single use, five minutes) and carries the ceremony's options.
 */
export const showInteraction: InteractionStep = {
  method: 'GET',
  action: '',
  async handle(ctx, interaction, deps) {
    const { uid, prompt, params } = interaction;
    const clientId = String(params.client_id ?? '');
    const client = await deps.store.clients.find(clientId);
    const clientName = client ? clientDisplayName(client) : 'the application';
    const errorCode = typeof ctx.query.error === 'string' ? ctx.query.error : undefined;
    let error = errorCode && Object.hasOwn(MESSAGES, errorCode) ? MESSAGES[errorCode] : undefined;
    if (errorCode === 'throttled') {
      error = `Too many attempts. Try again in ${formatWait(Number(ctx.query.retry))}.`;
    }
    ctx.type = 'html';
    const notice = readNotice(interaction.result);
    if (notice && interaction.result?.login) {
      ctx.body = recoveryNoticePage({ left: notice.recoveryCodesLeft, continueTo: interaction.returnTo });
      return;
    }
    if (prompt.name === 'login') {
      const pending = readPending(interaction.result);
      if (pending) {
        ctx.body = await secondFactorStepPage(ctx, interaction, deps, pending, error);
        return;
      }
      const passkey = { action: interactionUrl(uid, 'passwordless'), options: await newChallenge(deps, uid) };
      ctx.body = phishingResistantRequested(params)
        ? passkeyOnlyPage({ passkey, cancelAction: interactionUrl(uid, 'abort'), clientName, error })
        : loginPage({
            action: interactionUrl(uid, 'login'),
            passkey,
            // Not after a refused passkey: autofill would offer (and a browser might send) the same one again.
            autofill: errorCode !== 'passkey',
            clientName,
            username:
              readUsername(interaction.result) ??
              (typeof params.login_hint === 'string' ? params.login_hint : undefined),
            error,
          });
      return;
    }
    if (prompt.name === 'consent') {
      const scopes = String(params.scope ?? 'openid').split(' ');
      ctx.body = consentPage({
        allowAction: interactionUrl(uid, 'consent'),
        denyAction: interactionUrl(uid, 'abort'),
        clientName,
        scopes,
      });
      return;
    }
    ctx.throw(400, `unsupported prompt ${prompt.name}`);
  },
};

/** Options for a discoverable-credential sign-in, their challenge stored for this interaction. */
async function newChallenge(deps: InteractionDeps, uid: string): Promise<Record<string, unknown>> {
  const options = await authenticationOptions(deps.relyingParty(), undefined);
  const expiresAt = Math.floor(deps.nowMs() / 1000) + CHALLENGE_SECONDS;
  await deps.store.challenges.put(interactionChallengeKey(uid), options.challenge, expiresAt);
  return { ...options };
}

/** The second-factor page: the factors the account has, the one asked for (`?method=`) or the first shown. */
async function secondFactorStepPage(
  ctx: Context,
  interaction: Interaction,
  deps: InteractionDeps,
  pending: PendingSecondFactor,
  error: string | undefined,
): Promise<string> {
  const request: FactorRequest = {
    deps,
    userId: pending.accountId,
    challengeKey: interactionChallengeKey(interaction.uid),
    nowMs: deps.nowMs(),
  };
  // A client that asked for a phishing-resistant sign-in is offered the passkey only.
  const strict = phishingResistantRequested(interaction.params);
  const choices: { -readonly [K in keyof SecondFactorChoices]: SecondFactorChoices[K] } = {};
  for (const factor of SECOND_FACTORS) {
    if ((strict && factor.guessable) || !(await factor.available(request))) continue;
    const action = interactionUrl(interaction.uid, factor.action);
    if (factor.action === 'passkey')
      choices.passkey = { action, options: (await factor.begin(request)) ?? {} };
    else choices[factor.action] = { action };
  }
  const asked = typeof ctx.query.method === 'string' ? ctx.query.method : undefined;
  const first = SECOND_FACTORS.find((factor) => choices[factor.action] !== undefined)?.action ?? 'totp';
  const shown = asked === 'totp' || asked === 'passkey' || asked === 'recovery' ? asked : first;
  return secondFactorPage({
    choices,
    shown: choices[shown] ? shown : first,
    pageUrl: interactionUrl(interaction.uid),
    error,
  });
}
