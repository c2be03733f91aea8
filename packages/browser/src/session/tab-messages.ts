import type { User } from '@gatehouse/contract';
import { parseUser } from '../http/parse-answers.js';

/**
 * What tabs tell each other over `BroadcastChannel('gatehouse')` (same origin only, memory only): a new token
 * from a refresh or a sign-in, so a waiting tab reuses it instead of spending the refresh cookie again; and a
 * sign-out, so logout in one tab signs every tab out.
 */
export type TabMessage =
  | { type: 'session'; accessToken: string; expiresAt: number; refreshAt: number; user: User }
  | { type: 'signed-out' };

/** Checks a message from another tab; `null` when it is not one of ours. */
export function parseTabMessage(data: unknown): TabMessage | null {
  if (typeof data !== 'object' || data === null) return null;
  const record = data as Record<string, unknown>;
  if (record.type === 'signed-out') return { type: 'signed-out' };
  if (record.type !== 'session') return null;
  const { accessToken, expiresAt, refreshAt } = record;
  const user = parseUser(record.user);
  if (typeof accessToken !== 'string' || typeof expiresAt !== 'number' || typeof refreshAt !== 'number') {
    return null;
  }
  return user ? { type: 'session', accessToken, expiresAt, refreshAt, user } : null;
}
