import type { User } from '@gatehouse/browser';
import { useSyncExternalStore } from 'react';
import { gatehouse } from '../gatehouse';
import { describeError } from '../ui/describe-error';

/** What the app knows about the session. */
export interface SessionSnapshot {
  status: 'loading' | 'signed-in' | 'signed-out';
  user: User | null;
  /** Why restoring failed (the API unreachable, for instance). */
  error: string | null;
  /** Something to tell a signed-out user that is not an error: that they just signed out. */
  notice: string | null;
}

/** What the welcome page says after a logout, in this tab or another. */
export const SIGNED_OUT_NOTICE = 'You are signed out.';

let snapshot: SessionSnapshot = { status: 'loading', user: null, error: null, notice: null };
const listeners = new Set<() => void>();

function update(next: SessionSnapshot): void {
  snapshot = next;
  for (const listener of listeners) listener();
}

// Sign-in, refresh, and sign-out (here or in another tab) all arrive here.
gatehouse.onChange((user, reason) => {
  const notice = reason === 'signed-out' ? SIGNED_OUT_NOTICE : null;
  update({ status: user ? 'signed-in' : 'signed-out', user, error: null, notice });
});

/**
 * On page load: asks the API for a session through the refresh cookie. A tab the provider's logout page has just
 * sent back (the SDK remembers the logout it started) says so.
 */
export function restoreSession(): void {
  const loggedOut = gatehouse.takeLoggedOut();
  gatehouse.restore().then(
    (user) =>
      update({
        status: user ? 'signed-in' : 'signed-out',
        user,
        error: null,
        notice: user === null && loggedOut ? SIGNED_OUT_NOTICE : null,
      }),
    (error: unknown) =>
      update({ status: 'signed-out', user: null, error: describeError(error), notice: null }),
  );
}

/** The `/callback` page does not restore: its own exchange decides. */
export function skipRestore(): void {
  if (snapshot.status === 'loading') update({ status: 'signed-out', user: null, error: null, notice: null });
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** The session, re-rendering on every change. */
export function useSession(): SessionSnapshot {
  return useSyncExternalStore(subscribe, () => snapshot);
}
