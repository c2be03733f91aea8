import type { ApiSession } from '../session-store.js';

/** A live session for the suites: a week long, nothing revoked. */
export function testSession(id: string, now: number, extra: Partial<ApiSession> = {}): ApiSession {
  return {
    id,
    sub: 'dana',
    providerSid: null,
    idTokenSealed: null,
    scope: null,
    createdAt: now,
    absoluteExpiresAt: now + 7 * 86_400_000,
    revokedAt: null,
    ...extra,
  };
}

/** A day, the idle lifetime the suites give a session. */
export const DAY_MS = 86_400_000;
