import type { IDToken, TokenEndpointResponse, TokenEndpointResponseHelpers } from 'openid-client';
import type { FlowRecorder } from '../../flow/flow-recorder.js';
import type { ApiContext } from '../../server/api-context.js';
import type { LoginTransaction, StoredUser } from '../../store/api-store.js';

/** What the callback pipeline reads and fills in, check after check. */
export interface CallbackState {
  ctx: ApiContext;
  flow: 'spa' | 'simple';
  /** The callback's query parameters as received. */
  params: URLSearchParams;
  cookies: Readonly<Record<string, string | undefined>>;
  /** The login verifier header of an SPA callback (docs/security.md 51), when one was sent. */
  loginVerifier: string | undefined;
  recorder: FlowRecorder;
  /** Cookies to clear on the response, whatever the outcome (the spent transaction's binding cookie). */
  clearCookies: string[];
  /** The name of the check that refused the callback, once one has (metrics, audit, the flow inspector). */
  failedCheck?: string;
  transaction?: LoginTransaction;
  tokens?: TokenEndpointResponse & TokenEndpointResponseHelpers;
  idToken?: string;
  claims?: IDToken;
  user?: StoredUser;
}

/** One check of the callback pipeline; `step` is the flow step it belongs to (docs/architecture.md 7–9). */
export interface CallbackCheck {
  name: string;
  step: 7 | 8 | 9;
  /** What it checks, in a few words, as the flow inspector lists it (its `name` when absent). */
  inspects?: string;
  run(state: CallbackState): Promise<void>;
}
