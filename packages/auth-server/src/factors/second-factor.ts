import type { InteractionDeps } from '../interactions/interaction-deps.js';

/** What a factor works on: the account signing in, the server's parts, the clock, and where its challenge lives. */
export interface FactorRequest {
  readonly deps: InteractionDeps;
  readonly userId: string;
  /** Where a challenge for this sign-in is kept (the interaction's key in the ChallengeStore). */
  readonly challengeKey: string;
  readonly nowMs: number;
}

/** A factor passed: the RFC 8176 `amr` values it adds, and what else the sign-in should know. */
export interface FactorPassed {
  readonly ok: true;
  readonly amr: readonly string[];
  /** A passkey: bound to our origin, so the sign-in resists phishing (`acr` `phr`). */
  readonly phishingResistant: boolean;
  /** Recovery codes left after this one, to tell the person. */
  readonly recoveryCodesLeft?: number;
}

/** A factor refused; `reason` is for the log only. */
export interface FactorRefused {
  readonly ok: false;
  readonly reason: string;
}

/**
 * A second factor after the password: TOTP, a passkey, a recovery code. `begin` prepares what the page needs
 * (a passkey's request options, their challenge stored server-side; nothing for a code), `verify` checks what the
 * person sent, and a pass says which `amr` values it adds. `guessable` factors (codes) are throttled per account
 * and per address before `verify` runs, and a refusal counts as a wrong guess (docs/security.md 31, 32, 44); a
 * passkey cannot be guessed, so its refusals are only logged.
 */
export interface SecondFactor {
  /** The interaction action it answers (`/interaction/<uid>/<action>`) and the `?method=` that shows it. */
  readonly action: 'totp' | 'passkey' | 'recovery';
  readonly guessable: boolean;
  /** Whether the account has this factor. */
  available(request: FactorRequest): Promise<boolean>;
  begin(request: FactorRequest): Promise<Record<string, unknown> | undefined>;
  verify(
    request: FactorRequest,
    form: Readonly<Record<string, string>>,
  ): Promise<FactorPassed | FactorRefused>;
}
