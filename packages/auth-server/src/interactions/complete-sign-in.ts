import type { Context } from 'koa';
import type { Interaction } from 'oidc-provider';
import type { SignInFactor } from '../metrics/auth-metrics.js';
import type { UserRecord } from '../store/auth-store.js';
import { readDeviceCookie, writeDeviceCookie } from '../throttle/device-cookie.js';
import type { InteractionDeps } from './interaction-deps.js';
import { PHISHING_RESISTANT_ACR, withNotice } from './interaction-state.js';
import { recordSignIn } from './record-sign-in.js';
import { finishInteraction, interactionUrl, seeOther } from './respond.js';
import { STEP_6 } from './step-spans.js';

/** How a sign-in was made: the account, its RFC 8176 `amr` values, and what that asks of the throttles. */
export interface SignInMethods {
  readonly user: UserRecord;
  /** In the order used: `pwd` then the second factor's, or a passkey's alone. `mfa` is added here. */
  readonly amr: readonly string[];
  /** Two factors (password and a second one), or a passkey with user verification (something held, and a PIN or biometric: NIST SP 800-63B 5.1.9). */
  readonly multiFactor: boolean;
  readonly phishingResistant: boolean;
  /** A password was checked: its throttling counters start over for the account. */
  readonly password: boolean;
  /** A code (TOTP, recovery) was right: the account's wrong-code count starts over. */
  readonly correctCode: boolean;
  /** Recovery codes left, after one was used: the person is told before going on. */
  readonly recoveryCodesLeft?: number;
  /** The factor that completed it, as metrics and the audit log name it. */
  readonly factor: SignInFactor;
}

/**
 * Completes a sign-in, whatever its factors: the throttles hear of the success, the log gets one line (the
 * account and `amr`, never a secret), oidc-provider gets the login (`amr` with `mfa` when two factors were used,
 * RFC 8176; `acr` `phr` when a passkey was, docs/security.md 46), the browser gets a renewed device cookie, and
 * the person goes on to the application (or first to a page saying how many recovery codes are left).
 */
export async function completeSignIn(
  ctx: Context,
  interaction: Interaction,
  deps: InteractionDeps,
  methods: SignInMethods,
): Promise<void> {
  const now = Math.floor(deps.nowMs() / 1000);
  const { user } = methods;
  if (methods.password) await deps.throttle.recordSuccess(user.username, ctx.ip, now);
  if (methods.correctCode) await deps.secondFactor.recordSuccess(user.id);
  const amr = methods.multiFactor ? [...methods.amr, 'mfa'] : [...methods.amr];
  deps.logger.info({ event: 'login', uid: interaction.uid, sub: user.id, amr }, 'signed in');
  recordSignIn(deps, ctx, interaction, { result: 'success', factor: methods.factor, userId: user.id });
  const notice =
    methods.recoveryCodesLeft === undefined ? undefined : { recoveryCodesLeft: methods.recoveryCodesLeft };
  const finish = () =>
    finishInteraction(
      interaction,
      {
        login: {
          accountId: user.id,
          // The sign-in's time by this server's clock (oidc-provider's own otherwise): `/account` asks how recent.
          ts: now,
          amr,
          ...(methods.phishingResistant ? { acr: PHISHING_RESISTANT_ACR } : {}),
          remember: true,
        },
        ...withNotice(notice),
      },
      now,
      { mergeWithLastSubmission: false },
    );
  const returnTo = deps.tracing.enabled
    ? await deps.tracing.span(
        `gatehouse step ${STEP_6.step} ${STEP_6.name}`,
        {
          'gatehouse.step': STEP_6.step,
          'gatehouse.step.name': STEP_6.name,
          'gatehouse.sign_in.factor': methods.factor,
        },
        finish,
      )
    : await finish();
  writeDeviceCookie(ctx, deps.deviceCookies.renew(readDeviceCookie(ctx), user.id, now));
  // The notice page (show-interaction.ts) links on to `returnTo`; a GET, so a reload shows it again harmlessly.
  return seeOther(ctx, notice ? interactionUrl(interaction.uid) : returnTo);
}
