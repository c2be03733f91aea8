import { randomBytes } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransportFuture,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { NewPasskey, PasskeyRecord } from '../store/auth-store.js';
import type { RelyingParty } from './relying-party.js';

/** How long a ceremony may take, and its challenge live: five minutes (the browser's own timeout is the same). */
export const CHALLENGE_SECONDS = 300;

/** COSE algorithms accepted: ES256 (every platform authenticator), RS256 (Windows Hello), EdDSA. */
const ALGORITHMS = [-7, -257, -8];

/**
 * `@simplewebauthn/server`, loaded on the first ceremony that needs it (with its ASN.1 and X.509 libraries, a few
 * MB of memory): a server whose users have no passkeys never pays for it.
 */
const library = () => import('@simplewebauthn/server');

/**
 * Options for `navigator.credentials.get`, made here: every sign-in page carries them, and they are a random
 * challenge and a few fields (WebAuthn Level 3, 5.5). User verification required; `allow` lists the account's
 * passkeys, none for a discoverable credential.
 */
export async function authenticationOptions(
  rp: RelyingParty,
  allow: readonly PasskeyRecord[] | undefined,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return {
    challenge: randomBytes(32).toString('base64url'),
    timeout: CHALLENGE_SECONDS * 1000,
    rpId: rp.id,
    userVerification: 'required',
    ...(allow === undefined
      ? {}
      : {
          allowCredentials: allow.map((passkey) => ({
            id: passkey.id,
            type: 'public-key' as const,
            transports: transportsOf(passkey.transports),
          })),
        }),
  };
}

/** Options for `navigator.credentials.create`: a discoverable credential, user verification required, no attestation. */
export async function registrationOptions(
  rp: RelyingParty,
  user: { readonly id: string; readonly username: string; readonly name: string | null },
  existing: readonly PasskeyRecord[],
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { generateRegistrationOptions } = await library();
  return generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.username,
    userDisplayName: user.name ?? user.username,
    // The user handle is the subject: a passkey sign-in names its account, checked against the credential's.
    userID: new TextEncoder().encode(user.id),
    attestationType: 'none',
    excludeCredentials: existing.map((passkey) => ({
      id: passkey.id,
      transports: transportsOf(passkey.transports),
    })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    supportedAlgorithmIDs: ALGORITHMS,
    timeout: CHALLENGE_SECONDS * 1000,
  });
}

/** Why an assertion or a registration was refused (for the log; the page says less). */
export type CeremonyFailure =
  | 'malformed'
  | 'no_challenge'
  | 'unknown_credential'
  | 'foreign_credential'
  | 'counter_regressed'
  | 'invalid';

/** A verified assertion: the passkey it came from and what to record. */
export interface VerifiedAssertion {
  readonly newCounter: number;
  readonly backedUp: boolean;
}

/**
 * Verifies an assertion against `challenge` and the stored passkey: origin, RP ID, type, challenge, signature,
 * user presence and verification, and a signature counter that moved forward (docs/security.md 43).
 */
export async function verifyAssertion(
  rp: RelyingParty,
  response: AuthenticationResponseJSON,
  challenge: string,
  passkey: PasskeyRecord,
): Promise<{ ok: true; value: VerifiedAssertion } | { ok: false; failure: CeremonyFailure; detail: string }> {
  const { verifyAuthenticationResponse } = await library();
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      expectedType: 'webauthn.get',
      credential: {
        id: passkey.id,
        publicKey: new Uint8Array(passkey.publicKey),
        counter: passkey.counter,
        transports: transportsOf(passkey.transports),
      },
      requireUserVerification: true,
    });
    if (!result.verified) return { ok: false, failure: 'invalid', detail: 'signature not verified' };
    return {
      ok: true,
      value: {
        newCounter: result.authenticationInfo.newCounter,
        backedUp: result.authenticationInfo.credentialBackedUp,
      },
    };
  } catch (error) {
    const detail = describe(error);
    return { ok: false, failure: /counter value/i.test(detail) ? 'counter_regressed' : 'invalid', detail };
  }
}

/** Verifies a registration against `challenge`: origin, RP ID, challenge, user verification; the passkey to store. */
export async function verifyRegistration(
  rp: RelyingParty,
  response: RegistrationResponseJSON,
  challenge: string,
  owner: { readonly userId: string; readonly name: string },
): Promise<{ ok: true; value: NewPasskey } | { ok: false; failure: CeremonyFailure; detail: string }> {
  const { verifyRegistrationResponse } = await library();
  try {
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      supportedAlgorithmIDs: ALGORITHMS,
    });
    if (!result.verified) return { ok: false, failure: 'invalid', detail: 'registration not verified' };
    const info = result.registrationInfo;
    return {
      ok: true,
      value: {
        id: info.credential.id,
        userId: owner.userId,
        publicKey: new Uint8Array(info.credential.publicKey),
        counter: info.credential.counter,
        transports: [...(info.credential.transports ?? response.response.transports ?? [])],
        backupEligible: info.credentialDeviceType === 'multiDevice',
        backedUp: info.credentialBackedUp,
        aaguid: info.aaguid,
        name: owner.name,
      },
    };
  } catch (error) {
    return {
      ok: false,
      failure: 'invalid',
      detail: error instanceof Error ? error.message.slice(0, 200) : 'failed',
    };
  }
}

/**
 * The library's reason, for the log, without the values it quotes (a challenge, an origin the browser sent):
 * the log says which check failed, never a nonce (docs/security.md 48) or attacker-chosen text.
 */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : 'verification failed';
  return message.replace(/"[^"]*"/g, '"…"').slice(0, 200);
}

const TRANSPORTS = new Set(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);

function transportsOf(values: readonly string[]): AuthenticatorTransportFuture[] {
  return values.filter((value): value is AuthenticatorTransportFuture => TRANSPORTS.has(value));
}
