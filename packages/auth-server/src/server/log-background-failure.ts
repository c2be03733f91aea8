import { describePostgresError, isDatabaseUnavailable, type Logger } from '@gatehouse/common';

/** While the database is down, one warning per task per this many milliseconds (back-channel delivery polls often). */
const OUTAGE_LOG_EVERY_MS = 30_000;

const lastWarned = new WeakMap<Logger, Map<string, number>>();

/**
 * Logs a failed background task (the expiry sweep, the key watcher, back-channel delivery). While the database
 * is unreachable: a warning line without a stack, at most one per task every 30 s (the task runs again on its
 * next tick and succeeds once the database is back: docs/security.md 42). Anything else is an error with its
 * stack, each time.
 */
export function logBackgroundFailure(logger: Logger, error: unknown, message: string): void {
  if (!isDatabaseUnavailable(error)) {
    logger.error({ err: error }, message);
    return;
  }
  const warned = lastWarned.get(logger) ?? new Map<string, number>();
  lastWarned.set(logger, warned);
  const now = Date.now();
  if (now - (warned.get(message) ?? Number.NEGATIVE_INFINITY) < OUTAGE_LOG_EVERY_MS) return;
  warned.set(message, now);
  logger.warn(
    { event: 'database_unavailable', err: describePostgresError(error) },
    `${message}: the database cannot be reached (said at most every ${OUTAGE_LOG_EVERY_MS / 1000} s while it lasts)`,
  );
}
