import type { FlowStep } from '@gatehouse/browser';
import { useSyncExternalStore } from 'react';

// The last sign-in's steps, in this tab's memory only (the details are redacted, but there is no reason to
// keep them past a reload).
let flow: FlowStep[] | null = null;
const listeners = new Set<() => void>();

/** Records the flow of the sign-in that just finished; `undefined` when the API has the inspector off. */
export function setFlow(next: FlowStep[] | undefined): void {
  flow = next ?? null;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** The last sign-in's flow, or `null`. */
export function useFlow(): FlowStep[] | null {
  return useSyncExternalStore(subscribe, () => flow);
}
