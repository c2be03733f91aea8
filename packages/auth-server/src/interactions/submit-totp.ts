import type { Context } from 'koa';
import type { Interaction } from 'oidc-provider';
import { readFormBody } from '../http/read-form-body.js';
import { readDeviceCookie, writeDeviceCookie } from '../throttle/device-cookie.js';
import { matchTotpStep } from '../totp/totp.js';
import type { InteractionDeps } from './interaction-deps.js';
import {
  MAX_TOTP_FAILURES,
  type PendingSecondFactor,
  readPending,
  withPending,
  withUsername,
} from './interaction-state.js';
import type { InteractionStep } from './interaction-step.js';
import { backWithError, interactionUrl, saveResult, seeOther } from './respond.js';

/**
 * POST `/interaction/<uid>/totp`: the second factor (RFC 6238), only after the password step of this same
 * interaction. A code is accepted once (its time step must be later than the last accepted one) within one
 * step of drift (docs/security.md 30, 31). Too many wrong codes send the person back to the password; the account's
 * own count of wrong codes, which a new interaction does not reset, slows and then stops guessing (docs/security.md
 * 32, `SECOND_FACTOR_POLICY`). A device cookie for the account lifts the account-wide delay of the shared
 * counters here as at the password step, never the second-factor counter; a correct code renews it.
 */
export const submitTotp: InteractionStep = {
  method: 'POST',
  action: 'totp',
  async handle(ctx, interaction, deps) {
    const pending = readPending(interaction.result);
    if (interaction.prompt.name !== 'login' || !pending)
      return seeOther(ctx, interactionUrl(interaction.uid));
    const form = await readFormBody(ctx.req);
    const code = (form.code ?? '').replace(/\s/g, '');
    const nowMs = deps.nowMs();
    const now = Math.floor(nowMs / 1000);
    const device = deps.deviceCookies.deviceFor(readDeviceCookie(ctx), pending.accountId, now);
    const decision = await deps.throttle.reserve(pending.username, ctx.ip, now, device);
    if (!decision.allowed) return backWithError(ctx, interaction.uid, 'throttled', decision.retryAfter);
    try {
      // Checked before the code, with or without a device cookie: while the account waits (or is locked), even
      // the right code is refused.
      const account = await deps.secondFactor.reserve(pending.accountId, now);
      if (!account.allowed) {
        return account.locked
          ? backWithError(ctx, interaction.uid, 'locked')
          : backWithError(ctx, interaction.uid, 'throttled', account.retryAfter);
      }
      try {
        await checkCode(ctx, interaction, deps, { pending, code, nowMs, device });
      } finally {
        deps.secondFactor.release(pending.accountId);
      }
    } finally {
      deps.throttle.release(pending.username, ctx.ip, device);
    }
  },
};

/** Checks `code` for the pending account at `nowMs` and records the outcome on both throttles. */
async function checkCode(
  ctx: Context,
  interaction: Interaction,
  deps: InteractionDeps,
  {
    pending,
    code,
    nowMs,
    device,
  }: { pending: PendingSecondFactor; code: string; nowMs: number; device: string | undefined },
): Promise<void> {
  const now = Math.floor(nowMs / 1000);
  const user = await deps.store.users.findById(pending.accountId);
  if (!user?.totpSecret || user.disabled) {
    await saveResult(interaction, withUsername(pending.username), now);
    return backWithError(ctx, interaction.uid, 'credentials');
  }
  const step = code.length <= 10 ? matchTotpStep(user.totpSecret, code, nowMs) : null;
  if (step === null || !(await deps.store.users.acceptTotpStep(user.id, step))) {
    await deps.throttle.recordFailure(user.username, ctx.ip, now, device);
    const locked = await deps.secondFactor.recordFailure(user.id, now);
    const failures = pending.failures + 1;
    // An administrator has to act (a new password or TOTP secret): say so where they will look. Whoever ran up
    // the codes has the password: every session of the account ends, here and at the clients (this interaction's
    // record too, written again just below so that the page can say what happened).
    if (locked) {
      await deps.store.models.revokeByAccountId(user.id, 'second_factor_locked', now);
      deps.logger.warn(
        { event: 'second_factor_locked', sub: user.id },
        'too many wrong second-factor codes in a row: the account is locked until a new password or TOTP secret, and its sessions are ended',
      );
    }
    // Back to the password after too many, with the username filled in.
    await saveResult(
      interaction,
      failures >= MAX_TOTP_FAILURES ? withUsername(pending.username) : withPending({ ...pending, failures }),
      now,
    );
    deps.logger.info({ event: 'totp_failed', uid: interaction.uid, sub: user.id }, 'second factor refused');
    return backWithError(ctx, interaction.uid, failures >= MAX_TOTP_FAILURES ? 'credentials' : 'code');
  }
  await deps.throttle.recordSuccess(user.username, ctx.ip, now);
  await deps.secondFactor.recordSuccess(user.id);
  deps.logger.info({ event: 'login', uid: interaction.uid, sub: user.id, amr: ['pwd', 'otp'] }, 'signed in');
  const returnTo = await deps
    .provider()
    .interactionResult(
      ctx.req,
      ctx.res,
      { login: { accountId: user.id, amr: ['pwd', 'otp'], remember: true } },
      { mergeWithLastSubmission: false },
    );
  writeDeviceCookie(ctx, deps.deviceCookies.renew(readDeviceCookie(ctx), user.id, now));
  return seeOther(ctx, returnTo);
}
