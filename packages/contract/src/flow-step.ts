/** One of the three parties of the login flow. */
export type FlowParty = 'spa' | 'api' | 'auth';

/** The parties, for code that checks a {@link FlowStep} it received. */
export const FLOW_PARTIES: readonly FlowParty[] = ['spa', 'api', 'auth'];

/**
 * One arrow of the login flow, for the flow inspector. Steps 1, 2 and 7–10 come from the API (when its flow
 * inspector is on); 3–6 from the SDK's own timestamps. `detail` never holds a secret: codes, states, nonces,
 * verifiers and tokens are masked.
 */
export interface FlowStep {
  /** 1..10, numbered as in the README's flow. */
  step: number;
  from: FlowParty;
  to: FlowParty;
  label: string;
  /** Epoch milliseconds. */
  started_at: number;
  duration_ms: number;
  status: 'ok' | 'error';
  detail: string;
}
