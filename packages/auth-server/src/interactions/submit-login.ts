import type { Interaction } from 'oidc-provider';
import { needsSecondFactor } from '../factors/second-factors.js';
import { readFormBody } from '../http/read-form-body.js';
import { MAX_PASSWORD_LENGTH } from '../passwords/password-hasher.js';
import { readDeviceCookie } from '../throttle/device-cookie.js';
import { completeSignIn } from './complete-sign-in.js';
import { phishingResistantRequested, readUsername, withPending, withUsername } from './interaction-state.js';
import type { InteractionStep } from './interaction-step.js';
import { recordSignIn } from './record-sign-in.js';
import { backWithError, interactionUrl, saveResult, seeOther } from './respond.js';

/** Longest username accepted; longer input is refused without a lookup. */
const MAX_USERNAME_LENGTH = 256;

/**
 * Keeps what the person typed as username in the interaction, so the page shows it again after a refusal (the
 * same for an unknown user as for a wrong password: it is their own input). Written only when it changed.
 */
async function keepUsername(interaction: Interaction, username: string, now: number): Promise<void> {
  if (readUsername(interaction.result) !== username)
    await saveResult(interaction, withUsername(username), now);
}

/**
 * POST `/interaction/<uid>/login`: username and password. Throttled before any hashing; an unknown user costs a
 * dummy hash and gets the same answer as a wrong password (docs/security.md 29, 32, 33). A user with a second
 * factor (TOTP or a passkey) goes on to that step in this same interaction; anyone else is signed in with amr
 * `pwd`. A client that asked for a phishing-resistant sign-in gets no password sign-in at all (docs/security.md
 * 46): the page offers only a passkey, and a password posted anyway is refused before it is checked.
 */
export const submitLogin: InteractionStep = {
  method: 'POST',
  action: 'login',
  async handle(ctx, interaction, deps) {
    if (interaction.prompt.name !== 'login') return seeOther(ctx, interactionUrl(interaction.uid));
    if (phishingResistantRequested(interaction.params)) {
      return backWithError(ctx, interaction.uid, 'passkey_required');
    }
    const form = await readFormBody(ctx.req);
    const username = form.username ?? '';
    const password = form.password ?? '';
    if (
      username === '' ||
      password === '' ||
      username.length > MAX_USERNAME_LENGTH ||
      password.length > MAX_PASSWORD_LENGTH
    ) {
      return backWithError(ctx, interaction.uid, 'credentials');
    }
    const now = Math.floor(deps.nowMs() / 1000);
    // Looked up before the throttle (a read, no hashing): a device cookie is checked against the account's id.
    const user = await deps.store.users.findByUsername(username);
    const device = user ? deps.deviceCookies.deviceFor(readDeviceCookie(ctx), user.id, now) : undefined;
    const decision = await deps.throttle.reserve(username, ctx.ip, now, device);
    if (!decision.allowed) {
      const userId = user?.id;
      recordSignIn(deps, ctx, interaction, {
        result: 'throttled',
        factor: 'password',
        userId,
        reason: 'throttled',
      });
      await keepUsername(interaction, username, now);
      return backWithError(ctx, interaction.uid, 'throttled', decision.retryAfter);
    }
    try {
      if (!(await deps.verifyPassword(user, password)) || !user) {
        await deps.throttle.recordFailure(username, ctx.ip, now, device);
        const userId = user?.id;
        recordSignIn(deps, ctx, interaction, {
          result: 'failure',
          factor: 'password',
          userId,
          reason: 'password',
        });
        deps.logger.info(
          { event: 'login_failed', uid: interaction.uid },
          'sign-in refused: invalid credentials',
        );
        await keepUsername(interaction, username, now);
        return backWithError(ctx, interaction.uid, 'credentials');
      }
      // Said only to whoever knows the password; counted as a failure, so it is no free password oracle.
      if (user.disabled) {
        await deps.throttle.recordFailure(username, ctx.ip, now, device);
        recordSignIn(deps, ctx, interaction, {
          result: 'failure',
          factor: 'password',
          userId: user.id,
          reason: 'disabled',
        });
        deps.logger.info(
          { event: 'login_refused_disabled', uid: interaction.uid, sub: user.id },
          'account disabled',
        );
        await keepUsername(interaction, username, now);
        return backWithError(ctx, interaction.uid, 'disabled');
      }
      // A correct password alone is no completed sign-in: no device cookie before the second factor.
      if (await needsSecondFactor({ deps, userId: user.id })) {
        await saveResult(
          interaction,
          withPending({ accountId: user.id, username: user.username, failures: 0 }),
          now,
        );
        return seeOther(ctx, interactionUrl(interaction.uid));
      }
      return await completeSignIn(ctx, interaction, deps, {
        user,
        amr: ['pwd'],
        multiFactor: false,
        phishingResistant: false,
        password: true,
        correctCode: false,
        factor: 'password',
      });
    } finally {
      await deps.throttle.release(username, ctx.ip, device);
    }
  },
};
