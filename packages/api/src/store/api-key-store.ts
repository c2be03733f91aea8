import type { JWK } from 'jose';
import type { StoredSigningKey } from '../keys/signing-key-file.js';

/**
 * The API's keys, shared by every process of one deployment: the signing keys of its access tokens, the sealing
 * key (refresh-token MAC, the provider's ID token at rest) and the client-assertion key (`private_key_jwt`).
 * Files in `DATA_DIR/api` (mode 0600) with SQLite; rows sealed with a key derived from `GATEHOUSE_SECRET` with
 * PostgreSQL (docs/security.md 40). A key that exists but cannot be opened is an error, never replaced by a new
 * one: clients trust the old one.
 */
export interface ApiKeyStore {
  /** The signing keys, the first one created when there is none (once, whichever process gets there first). */
  signingKeys(now: number): Promise<StoredSigningKey[]>;
  /** The signing keys as they are, creating none (`keys list --api`); undefined before the API's first start. */
  existingSigningKeys(): Promise<StoredSigningKey[] | undefined>;
  /** A value that changes whenever the signing keys do (a rotation by the CLI or another process). */
  signingKeysVersion(): Promise<string>;
  /** Replaces the signing keys with what `update` makes of the current ones, atomically. */
  updateSigningKeys(
    update: (current: StoredSigningKey[]) => Promise<StoredSigningKey[]>,
    now: number,
  ): Promise<StoredSigningKey[]>;
  /** 32 random bytes, created once. */
  sealingKey(): Promise<Buffer>;
  /** The private JWK (ES256) of `private_key_jwt`, created once. */
  clientAssertionJwk(): Promise<JWK>;
  /** That key as it is, creating none (`gatehouse doctor`); undefined before the API's first start. */
  existingClientAssertionJwk(): Promise<JWK | undefined>;
}
