import type { CallbackCheck, CallbackState } from './callback-state.js';
import { checkBindingCookie } from './check-binding-cookie.js';
import { checkCodePresent } from './check-code-present.js';
import { checkErrorResponse } from './check-error-response.js';
import { checkIdTokenAudience } from './check-id-token-audience.js';
import { checkIdTokenAuthorizedParty } from './check-id-token-authorized-party.js';
import { checkIdTokenSignature } from './check-id-token-signature.js';
import { checkIdTokenSubject } from './check-id-token-subject.js';
import { checkLoginVerifier } from './check-login-verifier.js';
import { checkResponseIssuer } from './check-response-issuer.js';
import { checkSingleParameters } from './check-single-parameters.js';
import { checkTransactionExpiry } from './check-transaction-expiry.js';
import { checkTransactionFlow } from './check-transaction-flow.js';
import { consumeTransaction } from './consume-transaction.js';
import { exchangeCode, ID_TOKEN_CHECKS_AT_EXCHANGE } from './exchange-code.js';
import { fetchUserinfo } from './fetch-userinfo.js';

/**
 * The callback validation pipeline (steps 7–9), read top to bottom. The transaction is spent first, so every
 * later failure still leaves it used; nothing reaches the provider before the browser binding and the response
 * parameters are checked.
 */
export const CALLBACK_PIPELINE: readonly CallbackCheck[] = [
  consumeTransaction,
  // Spent first like every other refusal; before iss and error are read, which a repeat would make ambiguous.
  checkSingleParameters,
  checkTransactionExpiry,
  checkBindingCookie,
  checkTransactionFlow,
  // After the flow check: only an SPA transaction finished at the SPA's callback carries a verifier.
  checkLoginVerifier,
  // RFC 9207 2.4: `iss` is checked on error responses too, so before the error is read: a mix-up attacker's
  // error must not be reported as the user's provider refusing.
  checkResponseIssuer,
  checkErrorResponse,
  checkCodePresent,
  exchangeCode,
  checkIdTokenSignature,
  checkIdTokenAudience,
  checkIdTokenAuthorizedParty,
  checkIdTokenSubject,
  fetchUserinfo,
];

const STEP_LABELS: Record<
  number,
  {
    label: string;
    from: 'spa' | 'api' | 'auth';
    to: 'spa' | 'api' | 'auth';
    /** Checks of this step made inside an earlier one, listed first. */
    madeEarlier?: string;
  }
> = {
  7: { label: 'Callback received; login transaction checked', from: 'spa', to: 'api' },
  8: { label: 'Token request (code + PKCE verifier, client authenticated)', from: 'api', to: 'auth' },
  9: {
    label: 'ID token validated; userinfo fetched',
    from: 'auth',
    to: 'api',
    madeEarlier: ID_TOKEN_CHECKS_AT_EXCHANGE,
  },
};

/** Runs the pipeline, recording one flow-inspector step per group of checks. */
export async function runCallbackPipeline(
  state: CallbackState,
  pipeline: readonly CallbackCheck[] = CALLBACK_PIPELINE,
): Promise<void> {
  let index = 0;
  while (index < pipeline.length) {
    const step = pipeline[index]?.step ?? 7;
    const group: CallbackCheck[] = [];
    while (index < pipeline.length && pipeline[index]?.step === step) {
      const check = pipeline[index];
      if (check !== undefined) group.push(check);
      index++;
    }
    const { madeEarlier, ...meta } = STEP_LABELS[step] ?? {
      label: `step ${step}`,
      from: 'api' as const,
      to: 'api' as const,
    };
    await state.recorder.run(
      { step, ...meta },
      () => {
        const checks = [
          ...(madeEarlier === undefined ? [] : [madeEarlier]),
          ...group.map((check) => check.inspects ?? check.name),
        ].join('; ');
        // A refused step names the check that refused it (the recorder adds "failed: <code>").
        const refused = group.find((check) => check.name === state.failedCheck);
        return refused === undefined ? checks : `${checks} — ${refused.name}`;
      },
      async () => {
        for (const check of group) {
          try {
            await check.run(state);
          } catch (error) {
            state.failedCheck = check.name;
            throw error;
          }
        }
      },
    );
  }
}
