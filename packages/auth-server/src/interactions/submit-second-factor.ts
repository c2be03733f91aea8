import type { Context } from 'koa';
import type { Interaction } from 'oidc-provider';
import type { FactorRequest, SecondFactor } from '../factors/second-factor.js';
import { readFormBody } from '../http/read-form-body.js';
import { factorOf } from '../metrics/auth-metrics.js';
import { readDeviceCookie } from '../throttle/device-cookie.js';
import { completeSignIn } from './complete-sign-in.js';
import type { InteractionDeps } from './interaction-deps.js';
import {
  interactionChallengeKey,
  MAX_TOTP_FAILURES,
  type PendingSecondFactor,
  phishingResistantRequested,
  readPending,
  withPending,
  withUsername,
} from './interaction-state.js';
import type { InteractionStep } from './interaction-step.js';
import { recordSignIn } from './record-sign-in.js';
import { backWithError, interactionUrl, saveResult, seeOther } from './respond.js';

/**
 * POST `/interaction/<uid>/<factor>`: a second factor (TOTP, a passkey, a recovery code), only after the password
 * step of this same interaction (docs/security.md 30). A guessable factor (a code) is throttled before it is
 * checked: the shared counters of the password step (a device cookie for the account lifts their account-wide
 * delay, never the next one), and the account's own count of wrong codes, which a new interaction does not
 * reset and which ends in a lock (docs/security.md 32, `SECOND_FACTOR_POLICY`); too many wrong codes in one
 * interaction send the person back to the password. A passkey cannot be guessed: a refused one is logged and the
 * person may try again or choose another factor.
 */
export function secondFactorStep(factor: SecondFactor): InteractionStep {
  return {
    method: 'POST',
    action: factor.action,
    async handle(ctx, interaction, deps) {
      const pending = readPending(interaction.result);
      if (interaction.prompt.name !== 'login' || !pending)
        return seeOther(ctx, interactionUrl(interaction.uid));
      // Only a passkey makes a phishing-resistant sign-in (docs/security.md 46).
      if (phishingResistantRequested(interaction.params) && factor.guessable) {
        return backWithError(ctx, interaction.uid, 'passkey_required');
      }
      const form = await readFormBody(ctx.req);
      const nowMs = deps.nowMs();
      const request: FactorRequest = {
        deps,
        userId: pending.accountId,
        challengeKey: interactionChallengeKey(interaction.uid),
        nowMs,
      };
      if (!factor.guessable)
        return check(ctx, interaction, factor, request, { pending, form, device: undefined });
      const now = Math.floor(nowMs / 1000);
      const device = deps.deviceCookies.deviceFor(readDeviceCookie(ctx), pending.accountId, now);
      const decision = await deps.throttle.reserve(pending.username, ctx.ip, now, device);
      if (!decision.allowed) {
        recordSignIn(deps, ctx, interaction, {
          result: 'throttled',
          factor: factorOf(factor.action),
          userId: pending.accountId,
          reason: 'throttled',
        });
        return backWithError(ctx, interaction.uid, 'throttled', decision.retryAfter);
      }
      try {
        // Checked before the code, with or without a device cookie: while the account waits (or is locked),
        // even the right code is refused.
        const account = await deps.secondFactor.reserve(pending.accountId, now);
        if (!account.allowed) {
          recordSignIn(deps, ctx, interaction, {
            result: 'throttled',
            factor: factorOf(factor.action),
            userId: pending.accountId,
            reason: account.locked ? 'locked' : 'throttled',
          });
          return account.locked
            ? backWithError(ctx, interaction.uid, 'locked')
            : backWithError(ctx, interaction.uid, 'throttled', account.retryAfter);
        }
        try {
          await check(ctx, interaction, factor, request, { pending, form, device });
        } finally {
          await deps.secondFactor.release(pending.accountId);
        }
      } finally {
        await deps.throttle.release(pending.username, ctx.ip, device);
      }
    },
  };
}

async function check(
  ctx: Context,
  interaction: Interaction,
  factor: SecondFactor,
  request: FactorRequest,
  {
    pending,
    form,
    device,
  }: { pending: PendingSecondFactor; form: Record<string, string>; device: string | undefined },
): Promise<void> {
  const { deps } = request;
  const now = Math.floor(request.nowMs / 1000);
  const user = await deps.store.users.findById(pending.accountId);
  if (!user || user.disabled || !(await factor.available(request))) {
    recordSignIn(deps, ctx, interaction, {
      result: 'failure',
      factor: factorOf(factor.action),
      userId: pending.accountId,
      reason: 'unavailable',
    });
    await saveResult(interaction, withUsername(pending.username), now);
    return backWithError(ctx, interaction.uid, 'credentials');
  }
  const outcome = await factor.verify(request, form);
  if (outcome.ok) {
    return completeSignIn(ctx, interaction, deps, {
      user,
      amr: ['pwd', ...outcome.amr],
      multiFactor: true,
      phishingResistant: outcome.phishingResistant,
      password: true,
      correctCode: factor.guessable,
      ...(outcome.recoveryCodesLeft === undefined ? {} : { recoveryCodesLeft: outcome.recoveryCodesLeft }),
      factor: factorOf(factor.action),
    });
  }
  recordSignIn(deps, ctx, interaction, {
    result: 'failure',
    factor: factorOf(factor.action),
    userId: user.id,
    reason: factor.guessable ? 'second_factor' : 'passkey',
  });
  deps.logger.info(
    {
      event: 'second_factor_failed',
      factor: factor.action,
      reason: outcome.reason,
      uid: interaction.uid,
      sub: user.id,
    },
    'second factor refused',
  );
  if (!factor.guessable) return backWithError(ctx, interaction.uid, 'passkey', undefined, factor.action);
  await wrongGuess(ctx, interaction, deps, {
    pending,
    userId: user.id,
    device,
    now,
    factor,
    replayed: outcome.reason === 'replayed_code',
  });
}

/** A wrong (or replayed) code: counted on both throttles; the lock ends every session of the account. */
async function wrongGuess(
  ctx: Context,
  interaction: Interaction,
  deps: InteractionDeps,
  input: {
    pending: PendingSecondFactor;
    userId: string;
    device: string | undefined;
    now: number;
    factor: SecondFactor;
    /** The right code, used already: still counted (a replay is no proof of anything), but said as such. */
    replayed: boolean;
  },
): Promise<void> {
  const { pending, userId, now } = input;
  await deps.throttle.recordFailure(pending.username, ctx.ip, now, input.device);
  const locked = await deps.secondFactor.recordFailure(userId, now);
  const failures = pending.failures + 1;
  // An administrator has to act (a new password or TOTP secret): say so where they will look. Whoever ran up
  // the codes has the password: every session of the account ends, here and at the clients (this interaction's
  // record too, written again just below so that the page can say what happened).
  if (locked) {
    await deps.store.models.revokeByAccountId(userId, 'second_factor_locked', now);
    deps.audit.write({
      event: 'account.locked',
      outcome: 'success',
      user: userId,
      address: ctx.ip,
      reason: 'second_factor_failures',
    });
    deps.logger.warn(
      { event: 'second_factor_locked', sub: userId },
      'too many wrong second-factor codes in a row: the account is locked until a new password or TOTP secret, and its sessions are ended',
    );
  }
  // Back to the password after too many, with the username filled in.
  await saveResult(
    interaction,
    failures >= MAX_TOTP_FAILURES ? withUsername(pending.username) : withPending({ ...pending, failures }),
    now,
  );
  if (failures >= MAX_TOTP_FAILURES) return backWithError(ctx, interaction.uid, 'credentials');
  // The recovery form is shown again for a wrong recovery code; TOTP's form is the default anyway.
  return input.factor.action === 'recovery'
    ? backWithError(ctx, interaction.uid, 'recovery', undefined, 'recovery')
    : backWithError(ctx, interaction.uid, input.replayed ? 'code_used' : 'code');
}
