import type { Logger } from '@gatehouse/common';
import type Provider from 'oidc-provider';
import { logBackgroundFailure } from '../server/log-background-failure.js';
import type { BackchannelNotice, BackchannelOutbox } from '../store/auth-store.js';

/**
 * How notices are delivered: polled every `intervalMs` (so a notice written by the CLI reaches the client within
 * about a second), `batch` at a time, each leased for `leaseSeconds` (longer than a delivery can take:
 * oidc-provider's outbound requests time out after 2.5 s); a failed one is tried again after 1, 2, 4 … seconds
 * (at most `maxBackoffSeconds`), `maxAttempts` times in all (about 8 minutes), then dropped with an error log.
 */
export const BACKCHANNEL_DELIVERY_POLICY = {
  intervalMs: 250,
  batch: 20,
  leaseSeconds: 30,
  maxAttempts: 10,
  maxBackoffSeconds: 300,
} as const;

/** What {@link startBackchannelDelivery} needs; `nowMs` is the server's clock (tests move it by hand). */
export interface BackchannelDeliveryOptions {
  readonly outbox: BackchannelOutbox;
  readonly provider: () => Provider;
  readonly logger: Logger;
  readonly nowMs: () => number;
}

/** The running delivery loop. */
export interface BackchannelDelivery {
  /** Stops polling and waits for the deliveries under way. */
  stop(): Promise<void>;
}

/** An oidc-provider Client's back-channel logout (lib/models/client.js), which its typings leave out. */
interface BackchannelClient {
  readonly backchannelLogoutUri?: string | undefined;
  backchannelLogout(sub: string, sid: string): Promise<void>;
}

/**
 * Delivers the back-channel logouts queued when an account's sessions were ended outside a sign-out (a new
 * password, a removed or disabled user, a new TOTP secret, a second-factor lock: docs/security.md 49), with
 * oidc-provider's own `client.backchannelLogout(sub, sid)`, as a sign-out does: a signed logout token POSTed to
 * the client's registered URI. The queue is in the store, written in the transaction that ended the sessions,
 * so a notice written by the CLI in another process, or before a crash, is delivered by whichever server runs.
 * Every outcome is logged (never the token).
 */
export function startBackchannelDelivery(options: BackchannelDeliveryOptions): BackchannelDelivery {
  const { outbox, logger, nowMs } = options;
  const policy = BACKCHANNEL_DELIVERY_POLICY;
  let running: Promise<void> | undefined;

  const deliver = async (notice: BackchannelNotice): Promise<void> => {
    const attempt = notice.attempts + 1;
    const about = { client: notice.clientId, sub: notice.sub, reason: notice.reason, attempt };
    try {
      const client = (await options.provider().Client.find(notice.clientId)) as BackchannelClient | undefined;
      if (!client?.backchannelLogoutUri) {
        await outbox.remove(notice.id);
        logger.info(
          { event: 'backchannel_logout_skipped', ...about },
          'client gone or without a back-channel URI',
        );
        return;
      }
      await client.backchannelLogout(notice.sub, notice.sid);
      await outbox.remove(notice.id);
      logger.info({ event: 'backchannel_logout_delivered', ...about }, 'back-channel logout delivered');
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      if (attempt >= policy.maxAttempts) {
        await outbox.remove(notice.id);
        logger.error(
          { event: 'backchannel_logout_abandoned', ...about, error: detail },
          'back-channel logout not delivered after every attempt: that client may keep the session until it expires',
        );
        return;
      }
      const retryIn = Math.min(policy.maxBackoffSeconds, 2 ** (attempt - 1));
      await outbox.retryAt(notice.id, attempt, Math.floor(nowMs() / 1000) + retryIn);
      logger.warn(
        { event: 'backchannel_logout_failed', ...about, retryIn, error: detail },
        'back-channel logout failed; will retry',
      );
    }
  };

  const runOnce = async (): Promise<void> => {
    const due = await outbox.claimDue(Math.floor(nowMs() / 1000), policy.leaseSeconds, policy.batch);
    await Promise.all(due.map(deliver));
  };

  const timer = setInterval(() => {
    if (running) return;
    running = runOnce()
      .catch((error: unknown) => logBackgroundFailure(logger, error, 'back-channel logout delivery failed'))
      .finally(() => {
        running = undefined;
      });
  }, policy.intervalMs);
  timer.unref();

  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
