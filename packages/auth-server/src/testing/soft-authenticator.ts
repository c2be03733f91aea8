import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { encodeCbor } from './cbor.js';

/** A credential the soft authenticator holds: what a platform authenticator keeps for a discoverable passkey. */
export interface SoftCredential {
  readonly id: string;
  readonly rpId: string;
  readonly userHandle: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  counter: number;
}

/** What a test may change in one ceremony, to play an attacker or a broken authenticator. */
export interface CeremonyOverrides {
  /** The origin the "browser" reports in clientDataJSON (another site's, for a phishing page). */
  readonly origin?: string;
  /** The RP ID whose hash goes in authenticatorData. */
  readonly rpId?: string;
  /** The challenge signed, instead of the one in the options. */
  readonly challenge?: string;
  /** User verification (a PIN or biometric) done; true unless said otherwise. */
  readonly userVerified?: boolean;
  /** The signature counter to send (for a cloned authenticator whose counter went back). */
  readonly counter?: number;
  /** Which credential answers (by id), when the authenticator holds several for the RP. */
  readonly credentialId?: string;
}

/** The options a ceremony gets from the server (PublicKeyCredential*OptionsJSON), the fields used here. */
interface RequestOptions {
  readonly challenge: string;
  readonly rpId?: string;
  readonly allowCredentials?: readonly { readonly id: string }[];
}
interface CreationOptions {
  readonly challenge: string;
  readonly rp: { readonly id?: string };
  readonly user: { readonly id: string };
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

/**
 * A WebAuthn authenticator in software (node:crypto, ES256, `none` attestation), for tests over HTTP and the
 * benchmark's client: it answers `navigator.credentials.create` and `.get` options as a browser with a platform
 * authenticator would, each signature counter moving forward by one. Not an authenticator anyone should use:
 * its keys live in this process's memory.
 *
 * @example
 * const authenticator = new SoftAuthenticator('http://localhost:4000');
 * const registration = authenticator.register(creationOptions);
 * const assertion = authenticator.authenticate(requestOptions);
 */
export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];
  readonly #origin: string;
  readonly #backupEligible: boolean;

  /** `origin` is the page's; `backupEligible` makes a synced (multi-device) passkey. */
  constructor(origin: string, options: { backupEligible?: boolean } = {}) {
    this.#origin = origin;
    this.#backupEligible = options.backupEligible ?? false;
  }

  /** Makes a credential for `options` (a discoverable one, user verified) and returns the browser's answer. */
  register(options: CreationOptions, overrides: CeremonyOverrides = {}): Record<string, unknown> {
    const rpId = overrides.rpId ?? options.rp.id ?? new URL(this.#origin).hostname;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const credential: SoftCredential = {
      id: randomBytes(16).toString('base64url'),
      rpId,
      userHandle: options.user.id,
      privateKey,
      publicKey,
      counter: 0,
    };
    this.credentials.push(credential);
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = new Map<number, number | Uint8Array>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(String(jwk.x), 'base64url')],
      [-3, Buffer.from(String(jwk.y), 'base64url')],
    ]);
    const id = Buffer.from(credential.id, 'base64url');
    const attested = Buffer.concat([
      Buffer.alloc(16),
      Buffer.from([id.length >> 8, id.length & 0xff]),
      id,
      encodeCbor(cose),
    ]);
    const authData = this.#authData(rpId, overrides, FLAG_AT, credential.counter, attested);
    const clientData = this.#clientData(
      'webauthn.create',
      overrides.challenge ?? options.challenge,
      overrides,
    );
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      response: {
        clientDataJSON: clientData.toString('base64url'),
        attestationObject: Buffer.from(encodeCbor({ fmt: 'none', attStmt: {}, authData })).toString(
          'base64url',
        ),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** Signs `options`' challenge with a credential for its RP (one it allows, else any: discoverable). */
  authenticate(options: RequestOptions, overrides: CeremonyOverrides = {}): Record<string, unknown> {
    const rpId = options.rpId ?? new URL(this.#origin).hostname;
    const allowed = new Set((options.allowCredentials ?? []).map((each) => each.id));
    const credential = this.credentials.find(
      (each) =>
        (overrides.credentialId === undefined || each.id === overrides.credentialId) &&
        each.rpId === rpId &&
        (allowed.size === 0 || allowed.has(each.id) || overrides.credentialId !== undefined),
    );
    if (!credential) throw new Error(`no credential for ${rpId}`);
    credential.counter = overrides.counter ?? credential.counter + 1;
    const authData = this.#authData(overrides.rpId ?? rpId, overrides, 0, credential.counter);
    const clientData = this.#clientData('webauthn.get', overrides.challenge ?? options.challenge, overrides);
    const signed = Buffer.concat([authData, createHash('sha256').update(clientData).digest()]);
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      response: {
        clientDataJSON: clientData.toString('base64url'),
        authenticatorData: authData.toString('base64url'),
        signature: sign('sha256', signed, credential.privateKey).toString('base64url'),
        userHandle: credential.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  #authData(
    rpId: string,
    overrides: CeremonyOverrides,
    extraFlags: number,
    counter: number,
    attested?: Buffer,
  ): Buffer {
    let flags = FLAG_UP | extraFlags;
    if (overrides.userVerified !== false) flags |= FLAG_UV;
    if (this.#backupEligible) flags |= FLAG_BE | FLAG_BS;
    const count = Buffer.alloc(4);
    count.writeUInt32BE(counter);
    return Buffer.concat([
      createHash('sha256').update(rpId).digest(),
      Buffer.from([flags]),
      count,
      ...(attested ? [attested] : []),
    ]);
  }

  #clientData(type: string, challenge: string, overrides: CeremonyOverrides): Buffer {
    return Buffer.from(
      JSON.stringify({ type, challenge, origin: overrides.origin ?? this.#origin, crossOrigin: false }),
    );
  }
}
