import type { FlowStep } from '@gatehouse/contract';
import { parseFlow } from '../http/parse-answers.js';
import type { StorageLike } from '../options.js';

/**
 * What the SDK remembers across the navigation to the auth server and back, for the flow inspector: when
 * steps 1–3 happened, where the browser went (origin and path only), and the API's own redacted steps 1–2.
 * Never a token, code, state or full URL: this lives in `sessionStorage`.
 */
export interface FlowTrail {
  loginStartedAt: number;
  loginAnsweredAt: number;
  navigatedAt: number;
  /** Origin and path of the authorization endpoint; the query (state, challenge, nonce) is dropped. */
  authorizeEndpoint: string;
  apiSteps: FlowStep[];
}

const KEY = 'gatehouse:flow';

/** Saves the trail; a full or disabled storage only loses the inspector's timings. */
export function saveFlowTrail(storage: StorageLike | null, trail: FlowTrail): void {
  try {
    storage?.setItem(KEY, JSON.stringify(trail));
  } catch {
    // Quota or privacy mode: the inspector shows fewer timings, nothing else depends on it.
  }
}

/** Reads and forgets the trail (it describes one login only). */
export function takeFlowTrail(storage: StorageLike | null): FlowTrail | null {
  let raw: string | null = null;
  try {
    raw = storage?.getItem(KEY) ?? null;
    storage?.removeItem(KEY);
  } catch {
    return null;
  }
  if (raw === null) return null;
  try {
    const value: unknown = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return null;
    const record = value as Record<string, unknown>;
    const { loginStartedAt, loginAnsweredAt, navigatedAt, authorizeEndpoint } = record;
    if (typeof loginStartedAt !== 'number' || typeof loginAnsweredAt !== 'number') return null;
    if (typeof navigatedAt !== 'number' || typeof authorizeEndpoint !== 'string') return null;
    return {
      loginStartedAt,
      loginAnsweredAt,
      navigatedAt,
      authorizeEndpoint,
      apiSteps: parseFlow(record.apiSteps) ?? [],
    };
  } catch {
    return null;
  }
}
