import type { InteractionDeps } from '../interactions/interaction-deps.js';
import type { PasskeyRecord, UserRecord } from '../store/auth-store.js';
import { type CeremonyFailure, verifyAssertion } from '../webauthn/passkey-ceremonies.js';
import { readAssertionJson } from '../webauthn/read-credential-json.js';

/** A passkey that signed the challenge, and its user. */
export interface CheckedAssertion {
  readonly ok: true;
  readonly passkey: PasskeyRecord;
  readonly user: UserRecord;
}

/**
 * Checks a posted passkey assertion (docs/security.md 43), in this order: the challenge is taken from the store
 * first, so it is spent by any attempt, right or wrong (single use), and only a live one is found (expired ones
 * are not; another interaction's is under another key); the credential must be registered (a removed one is
 * not), belong to `expectedUserId` when the account is known (the second factor), and name the same account in
 * its user handle; the account must be enabled; then origin, RP ID, challenge, signature, user verification and
 * the counter (forward only, once per value: a cloned authenticator is refused and logged).
 */
export async function checkPasskeyAssertion(
  deps: InteractionDeps,
  input: { field: string | undefined; challengeKey: string; expectedUserId?: string; nowMs: number },
): Promise<CheckedAssertion | { ok: false; failure: CeremonyFailure | 'disabled'; credentialId?: string }> {
  const now = Math.floor(input.nowMs / 1000);
  const challenge = await deps.store.challenges.take(input.challengeKey, now);
  const response = readAssertionJson(input.field);
  if (!response) return { ok: false, failure: 'malformed' };
  if (challenge === undefined) return { ok: false, failure: 'no_challenge', credentialId: response.id };
  const passkey = await deps.store.authenticators.findPasskey(response.id);
  if (!passkey) return { ok: false, failure: 'unknown_credential', credentialId: response.id };
  if (input.expectedUserId !== undefined && passkey.userId !== input.expectedUserId) {
    return { ok: false, failure: 'foreign_credential', credentialId: response.id };
  }
  const handle = response.response.userHandle;
  if (handle !== undefined && handle !== Buffer.from(passkey.userId).toString('base64url')) {
    return { ok: false, failure: 'foreign_credential', credentialId: response.id };
  }
  const user = await deps.store.users.findById(passkey.userId);
  if (!user) return { ok: false, failure: 'unknown_credential', credentialId: response.id };
  if (user.disabled) return { ok: false, failure: 'disabled', credentialId: response.id };
  const verified = await verifyAssertion(deps.relyingParty(), response, challenge, passkey);
  if (!verified.ok) {
    if (verified.failure === 'counter_regressed') logCounterRegressed(deps, passkey, verified.detail);
    else
      deps.logger.info(
        { event: 'passkey_refused', sub: user.id, detail: verified.detail },
        'passkey refused',
      );
    return { ok: false, failure: verified.failure, credentialId: response.id };
  }
  const { newCounter, backedUp } = verified.value;
  // The same check in the store, in one statement: two assertions that both read the old counter cannot both pass.
  if (
    !(await deps.store.authenticators.recordPasskeyUse(
      passkey.id,
      passkey.counter,
      newCounter,
      backedUp,
      now,
    ))
  ) {
    logCounterRegressed(deps, passkey, `counter ${newCounter} after ${passkey.counter}, raced`);
    return { ok: false, failure: 'counter_regressed', credentialId: response.id };
  }
  return { ok: true, passkey, user };
}

function logCounterRegressed(deps: InteractionDeps, passkey: PasskeyRecord, detail: string): void {
  deps.logger.warn(
    { event: 'passkey_counter_regressed', sub: passkey.userId, credential: passkey.id, detail },
    'a passkey signed with a counter that did not move forward: possibly a cloned authenticator; refused',
  );
}

/** RFC 8176: a key kept in hardware (`hwk`), or one that may be synced between devices, so software-held (`swk`). */
export function passkeyAmr(passkey: PasskeyRecord): 'hwk' | 'swk' {
  return passkey.backupEligible ? 'swk' : 'hwk';
}
