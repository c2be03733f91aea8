import type { FlowStep } from '@gatehouse/browser';
import { useSyncExternalStore } from 'react';

/** Why the last sign-in failed, as the API's flow inspector told it. */
export interface FlowFailure {
  /** The named check that refused the callback (`check-id-token-audience`), when one did. */
  check: string | undefined;
  /** What the check found, for the developer (secrets masked by the API). */
  detail: string | undefined;
  /** The message shown to the user. */
  message: string;
}

/** The last sign-in: its steps, and why it failed when it did. */
export interface RecordedFlow {
  steps: FlowStep[];
  failure: FlowFailure | undefined;
}

// The last sign-in's steps, in this tab's memory only (the details are redacted, but there is no reason to
// keep them past a reload).
let flow: RecordedFlow | null = null;
const listeners = new Set<() => void>();

/**
 * Records the flow of the sign-in that just finished, or failed (with `failure`); `undefined` steps when the
 * API has the inspector off.
 */
export function setFlow(next: FlowStep[] | undefined, failure?: FlowFailure): void {
  flow = next === undefined ? null : { steps: next, failure };
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** The last sign-in's flow, or `null`. */
export function useFlow(): RecordedFlow | null {
  return useSyncExternalStore(subscribe, () => flow);
}
