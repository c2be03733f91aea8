import { createHmac } from 'node:crypto';
import type { SealedBox } from '@gatehouse/common';

/**
 * How the provider's model rows are kept in PostgreSQL: an id (an access or refresh token, a code, a session
 * cookie's value) is stored as an HMAC under a key derived from GATEHOUSE_SECRET, and the payload (which repeats
 * the id as `jti`) is sealed, bound to its model and hashed id: a dump holds no token anyone could present, and a
 * payload moved to another row does not open (docs/security.md 40).
 */
export class ModelSealing {
  readonly #box: SealedBox;
  readonly #idKey: Buffer;

  constructor(box: SealedBox, idKey: Buffer) {
    this.#box = box;
    this.#idKey = idKey;
  }

  /** The lookup key of `value` (an id, a uid, a user code) in `model`'s rows. */
  hash(model: string, kind: 'id' | 'uid' | 'user_code', value: string): string {
    return createHmac('sha256', this.#idKey)
      .update(`${model}\u0000${kind}\u0000${value}`)
      .digest('base64url');
  }

  seal(model: string, idHash: string, payload: Readonly<Record<string, unknown>>): string {
    return this.#box.seal(JSON.stringify(payload), `oidc:${model}:${idHash}`);
  }

  open(model: string, idHash: string, sealed: string): Record<string, unknown> {
    return JSON.parse(this.#box.open(sealed, `oidc:${model}:${idHash}`)) as Record<string, unknown>;
  }
}
