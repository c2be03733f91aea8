import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readOrCreateFile } from '@gatehouse/common';
import type { JWK } from 'jose';
import { readClientAssertionJwk, readExistingClientAssertionJwk } from '../../keys/client-assertion-key.js';
import {
  parseSigningKeys,
  readExistingSigningKeyFile,
  readSigningKeyFile,
  type StoredSigningKey,
  writeSigningKeyFile,
} from '../../keys/signing-key-file.js';
import type { ApiKeyStore } from '../api-key-store.js';

/**
 * {@link ApiKeyStore} as files in the API's folder of `DATA_DIR` (`DATA_DIR/api`, 0700), each mode 0600 and
 * created atomically: `signing-keys.json`, `sealing.key`, `client-assertion-key.json`. The embedded default,
 * beside the SQLite store; processes on one machine share them through the folder.
 */
export class FileApiKeyStore implements ApiKeyStore {
  readonly #dir: string;

  /** `dir`: the API's folder (`DATA_DIR/api`). */
  constructor(dir: string) {
    this.#dir = dir;
  }

  get #signingFile(): string {
    return join(this.#dir, 'signing-keys.json');
  }

  signingKeys(now: number): Promise<StoredSigningKey[]> {
    return readSigningKeyFile(this.#signingFile, now);
  }

  async existingSigningKeys(): Promise<StoredSigningKey[] | undefined> {
    return readExistingSigningKeyFile(this.#signingFile);
  }

  async signingKeysVersion(): Promise<string> {
    try {
      return String(statSync(this.#signingFile).mtimeMs);
    } catch {
      return 'none';
    }
  }

  async updateSigningKeys(
    update: (current: StoredSigningKey[]) => Promise<StoredSigningKey[]>,
    now: number,
  ): Promise<StoredSigningKey[]> {
    // Optimistic: the file is compared with what the update started from right before it is replaced (no await
    // between the two), and the update made again from the newer keys when another one got there first.
    for (let attempt = 0; attempt < 5; attempt++) {
      await this.signingKeys(now);
      const before = readFileSync(this.#signingFile, 'utf8');
      const next = await update(parseSigningKeys(this.#signingFile, before));
      if (readFileSync(this.#signingFile, 'utf8') !== before) continue;
      writeSigningKeyFile(this.#signingFile, next);
      return next;
    }
    throw new Error(`${this.#signingFile} kept changing during a rotation`);
  }

  async sealingKey(): Promise<Buffer> {
    return readOrCreateFile(join(this.#dir, 'sealing.key'), () => randomBytes(32));
  }

  clientAssertionJwk(): Promise<JWK> {
    return readClientAssertionJwk(join(this.#dir, 'client-assertion-key.json'));
  }

  async existingClientAssertionJwk(): Promise<JWK | undefined> {
    return readExistingClientAssertionJwk(join(this.#dir, 'client-assertion-key.json'));
  }
}
