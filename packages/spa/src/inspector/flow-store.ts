import type { FlowStep } from '@gatehouse/browser';
import { useSyncExternalStore } from 'react';

// The last sign-in's steps, kept in this tab's sessionStorage so that a reload keeps the inspector (its link and
// its page): the details are redacted by the API (no code, state, nonce or token), and sessionStorage is this
// origin's and this tab's only, gone when the tab closes.
const KEY = 'gatehouse:inspector';
const PARTIES = new Set(['spa', 'api', 'auth']);

let flow: FlowStep[] | null = load();
const listeners = new Set<() => void>();

/** Records the flow of the sign-in that just finished; `undefined` when the API has the inspector off. */
export function setFlow(next: FlowStep[] | undefined): void {
  flow = next ?? null;
  try {
    if (flow === null) sessionStorage.removeItem(KEY);
    else sessionStorage.setItem(KEY, JSON.stringify(flow));
  } catch {
    // Storage full or blocked: the inspector lasts until the next reload only.
  }
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

/** The stored flow, if it is one (anything else in storage is ignored). */
function load(): FlowStep[] | null {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    return Array.isArray(value) && value.length > 0 && value.every(isStep) ? value : null;
  } catch {
    return null;
  }
}

function isStep(value: unknown): value is FlowStep {
  if (typeof value !== 'object' || value === null) return false;
  const step = value as Record<string, unknown>;
  return (
    typeof step.step === 'number' &&
    PARTIES.has(String(step.from)) &&
    PARTIES.has(String(step.to)) &&
    typeof step.label === 'string' &&
    typeof step.started_at === 'number' &&
    typeof step.duration_ms === 'number' &&
    (step.status === 'ok' || step.status === 'error') &&
    typeof step.detail === 'string'
  );
}
