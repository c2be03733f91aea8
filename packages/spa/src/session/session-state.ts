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
}

let snapshot: SessionSnapshot = { status: 'loading', user: null, error: null };
const listeners = new Set<() => void>();

function update(next: SessionSnapshot): void {
  snapshot = next;
  for (const listener of listeners) listener();
}

// Sign-in, refresh, and sign-out (here or in another tab) all arrive here.
gatehouse.onChange((user) => {
  update({ status: user ? 'signed-in' : 'signed-out', user, error: null });
});

/** On page load: asks the API for a session through the refresh cookie. */
export function restoreSession(): void {
  gatehouse.restore().then(
    (user) => update({ status: user ? 'signed-in' : 'signed-out', user, error: null }),
    (error: unknown) => update({ status: 'signed-out', user: null, error: describeError(error) }),
  );
}

/** The `/callback` page does not restore: its own exchange decides. */
export function skipRestore(): void {
  if (snapshot.status === 'loading') update({ status: 'signed-out', user: null, error: null });
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
