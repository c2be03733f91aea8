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

// The last sign-in's steps (and its failure), kept in this tab's sessionStorage so that a reload keeps the
// inspector (its link and its page): the details are redacted by the API (no code, state, nonce or token), and
// sessionStorage is this origin's and this tab's only, gone when the tab closes.
const KEY = 'gatehouse:inspector';
const PARTIES = new Set(['spa', 'api', 'auth']);

let flow: RecordedFlow | null = load();
const listeners = new Set<() => void>();

/**
 * Records the flow of the sign-in that just finished, or failed (with `failure`); `undefined` steps when the
 * API has the inspector off.
 */
export function setFlow(next: FlowStep[] | undefined, failure?: FlowFailure): void {
  flow = next === undefined ? null : { steps: next, failure };
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
export function useFlow(): RecordedFlow | null {
  return useSyncExternalStore(subscribe, () => flow);
}

/** The stored flow, if it is one (anything else in storage is ignored). */
function load(): RecordedFlow | null {
  try {
    const value = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Partial<RecordedFlow> | null;
    if (value === null || typeof value !== 'object') return null;
    const { steps, failure } = value;
    if (!Array.isArray(steps) || steps.length === 0 || !steps.every(isStep)) return null;
    return { steps, failure: isFailure(failure) ? failure : undefined };
  } catch {
    return null;
  }
}

function isFailure(value: unknown): value is FlowFailure {
  if (typeof value !== 'object' || value === null) return false;
  const failure = value as Record<string, unknown>;
  const optionalText = (field: unknown) => field === undefined || typeof field === 'string';
  return typeof failure.message === 'string' && optionalText(failure.check) && optionalText(failure.detail);
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
