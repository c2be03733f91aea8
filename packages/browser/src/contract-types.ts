/** The signed-in person, as `GET /api/me` and the token endpoints of the API describe them. */
export interface User {
  /** Subject identifier at the provider (OIDC Core 2). Stable, unique per provider. */
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

/** One of the three parties of the flow (docs/architecture.md). */
export type FlowParty = 'spa' | 'api' | 'auth';

/**
 * One arrow of the login flow, for the flow inspector. Steps 1, 2 and 7–10 come from the API; 3–6 from the
 * SDK's own timestamps. `detail` never holds a secret: codes, states, nonces, verifiers and tokens are masked.
 */
export interface FlowStep {
  /** 1..10, numbered as in docs/architecture.md. */
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
