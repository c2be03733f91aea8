import { clientDisplayName } from '../clients/client-display.js';
import { consentPage } from '../pages/consent-page.js';
import { formatWait } from '../pages/format-wait.js';
import { loginPage } from '../pages/login-page.js';
import { totpPage } from '../pages/totp-page.js';
import { readPending, readUsername } from './interaction-state.js';
import type { InteractionStep } from './interaction-step.js';
import { interactionUrl } from './respond.js';

const MESSAGES: Record<string, string> = {
  credentials: 'Invalid username or password',
  code: 'Invalid code',
  // SECOND_FACTOR_POLICY.lockAfter wrong codes in a row: only an administrator can lift it.
  locked: 'Too many wrong codes. Sign-in to this account is blocked until an administrator resets it.',
  disabled: 'This account is disabled. Ask your administrator to enable it.',
};

/**
 * GET `/interaction/<uid>`: the page for where this interaction stands (sign-in, code, or consent). The client
 * is named by its registered display name; after a refused password the username typed is filled in again from
 * the interaction record.
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
    if (prompt.name === 'login') {
      ctx.body = readPending(interaction.result)
        ? totpPage({ action: interactionUrl(uid, 'totp'), error })
        : loginPage({
            action: interactionUrl(uid, 'login'),
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
