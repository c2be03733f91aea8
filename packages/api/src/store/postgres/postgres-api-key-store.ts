import { randomBytes } from 'node:crypto';
import { ConfigError, type PostgresPool, SealedBox } from '@gatehouse/common';
import type { JWK } from 'jose';
import { generateClientAssertionJwk } from '../../keys/client-assertion-key.js';
import {
  generateSigningKey,
  parseSigningKeys,
  type StoredSigningKey,
  serializeSigningKeys,
} from '../../keys/signing-key-file.js';
import type { ApiKeyStore } from '../api-key-store.js';

const SIGNING = 'signing-keys';
const SEALING = 'sealing-key';
const CLIENT = 'client-assertion-key';

/**
 * {@link ApiKeyStore} in the `api_keys` table, every key sealed (AES-256-GCM, the row's name as associated data,
 * so a sealed value cannot be moved to another row) with a key derived from `GATEHOUSE_SECRET` for this use only:
 * a dump of the database holds no key in plain text (docs/security.md 40). Every process reads the same rows; a
 * rotation bumps the row's version, which every process's key poll sees.
 */
export class PostgresApiKeyStore implements ApiKeyStore {
  readonly #pool: PostgresPool;
  readonly #box: SealedBox;

  /** `sealingKey`: derived from GATEHOUSE_SECRET (`secret.deriveKey('api-keys')`). */
  constructor(pool: PostgresPool, sealingKey: Buffer) {
    this.#pool = pool;
    this.#box = new SealedBox(sealingKey);
  }

  async signingKeys(now: number): Promise<StoredSigningKey[]> {
    const text = await this.#readOrCreate(SIGNING, now, async () =>
      serializeSigningKeys([await generateSigningKey(now)]),
    );
    return parseSigningKeys(`the API's ${SIGNING}`, text);
  }

  async existingSigningKeys(): Promise<StoredSigningKey[] | undefined> {
    const text = await this.#read(SIGNING);
    return text === undefined ? undefined : parseSigningKeys(`the API's ${SIGNING}`, text);
  }

  async signingKeysVersion(): Promise<string> {
    const { rows } = await this.#pool.query<{ version: number }>(
      'SELECT version FROM api_keys WHERE name = $1',
      [SIGNING],
    );
    return rows[0] === undefined ? 'none' : String(rows[0].version);
  }

  async updateSigningKeys(
    update: (current: StoredSigningKey[]) => Promise<StoredSigningKey[]>,
    now: number,
  ): Promise<StoredSigningKey[]> {
    await this.signingKeys(now);
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      // FOR UPDATE: two rotations at once are applied one after the other, neither lost.
      const { rows } = await client.query<{ sealed: string }>(
        'SELECT sealed FROM api_keys WHERE name = $1 FOR UPDATE',
        [SIGNING],
      );
      const sealed = rows[0]?.sealed;
      if (sealed === undefined) throw new Error('the API signing keys disappeared during a rotation');
      const next = await update(parseSigningKeys(`the API's ${SIGNING}`, this.#open(SIGNING, sealed)));
      await client.query(
        'UPDATE api_keys SET sealed = $2, version = version + 1, updated_at = $3 WHERE name = $1',
        [SIGNING, this.#box.seal(serializeSigningKeys(next), context(SIGNING)), now],
      );
      await client.query('COMMIT');
      return next;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async sealingKey(): Promise<Buffer> {
    const text = await this.#readOrCreate(SEALING, Date.now(), async () =>
      randomBytes(32).toString('base64url'),
    );
    return Buffer.from(text, 'base64url');
  }

  async clientAssertionJwk(): Promise<JWK> {
    const text = await this.#readOrCreate(CLIENT, Date.now(), async () =>
      JSON.stringify(await generateClientAssertionJwk()),
    );
    return JSON.parse(text) as JWK;
  }

  async existingClientAssertionJwk(): Promise<JWK | undefined> {
    const text = await this.#read(CLIENT);
    return text === undefined ? undefined : (JSON.parse(text) as JWK);
  }

  async #read(name: string): Promise<string | undefined> {
    const { rows } = await this.#pool.query<{ sealed: string }>(
      'SELECT sealed FROM api_keys WHERE name = $1',
      [name],
    );
    return rows[0] === undefined ? undefined : this.#open(name, rows[0].sealed);
  }

  /** The key named `name`, made by `create` if there is none: the first process to insert wins, others read it. */
  async #readOrCreate(name: string, now: number, create: () => Promise<string>): Promise<string> {
    const existing = await this.#read(name);
    if (existing !== undefined) return existing;
    await this.#pool.query(
      'INSERT INTO api_keys (name, sealed, updated_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING',
      [name, this.#box.seal(await create(), context(name)), now],
    );
    const created = await this.#read(name);
    if (created === undefined) throw new Error(`the API's ${name} could not be stored`);
    return created;
  }

  /** Opens a sealed key; one that cannot be opened stops the caller, and is never replaced by a new one. */
  #open(name: string, sealed: string): string {
    try {
      return this.#box.open(sealed, context(name));
    } catch {
      throw new ConfigError(
        'GATEHOUSE_SECRET',
        `Invalid GATEHOUSE_SECRET: the API's ${name} in the database cannot be opened with it (another secret sealed it)`,
      );
    }
  }
}

function context(name: string): string {
  return `api-key:${name}`;
}
