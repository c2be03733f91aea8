import type { PostgresPool, SealedBox } from '@gatehouse/common';
import type { SigningAlgorithm } from '../../keys/signing-algorithms.js';
import type { SigningKeyRecord, SigningKeyStore } from '../auth-store.js';
import { inTransaction } from './postgres-queries.js';

interface KeyRow {
  kid: string;
  alg: string;
  private_jwk_sealed: string;
  created_at: number;
  retired_at: number | null;
}

/**
 * {@link SigningKeyStore} on PostgreSQL; private JWKs sealed, bound to their kid. Every process polls `kids()`,
 * so `gatehouse keys rotate` against the database reaches each of them.
 */
export class PostgresSigningKeyStore implements SigningKeyStore {
  readonly #pool: PostgresPool;
  readonly #box: SealedBox;

  constructor(pool: PostgresPool, box: SealedBox) {
    this.#pool = pool;
    this.#box = box;
  }

  async list(): Promise<SigningKeyRecord[]> {
    // seq breaks ties between keys created in the same second: the later insert is the newer key.
    const { rows } = await this.#pool.query<KeyRow>(
      'SELECT kid, alg, private_jwk_sealed, created_at, retired_at FROM auth_signing_keys ORDER BY created_at DESC, seq DESC',
    );
    return rows.map((row) => ({
      kid: row.kid,
      alg: row.alg as SigningAlgorithm,
      privateJwk: JSON.parse(this.#box.open(row.private_jwk_sealed, keyContext(row.kid))) as Record<
        string,
        unknown
      >,
      createdAt: row.created_at,
      retiredAt: row.retired_at,
    }));
  }

  async kids(): Promise<string[]> {
    const { rows } = await this.#pool.query<{ kid: string }>('SELECT kid FROM auth_signing_keys');
    return rows.map((row) => row.kid);
  }

  async addActive(key: Omit<SigningKeyRecord, 'retiredAt'>): Promise<void> {
    await inTransaction(this.#pool, async (client) => {
      await client.query(
        'UPDATE auth_signing_keys SET retired_at = $1 WHERE alg = $2 AND retired_at IS NULL',
        [key.createdAt, key.alg],
      );
      await client.query(
        `INSERT INTO auth_signing_keys (kid, alg, private_jwk_sealed, created_at, retired_at)
         VALUES ($1, $2, $3, $4, NULL)`,
        [
          key.kid,
          key.alg,
          this.#box.seal(JSON.stringify(key.privateJwk), keyContext(key.kid)),
          key.createdAt,
        ],
      );
    });
  }

  async addFirst(key: Omit<SigningKeyRecord, 'retiredAt'>): Promise<boolean> {
    // The partial unique index (one active key per algorithm) decides between processes starting together.
    const result = await this.#pool.query(
      `INSERT INTO auth_signing_keys (kid, alg, private_jwk_sealed, created_at, retired_at)
       VALUES ($1, $2, $3, $4, NULL)
       ON CONFLICT (alg) WHERE retired_at IS NULL DO NOTHING`,
      [key.kid, key.alg, this.#box.seal(JSON.stringify(key.privateJwk), keyContext(key.kid)), key.createdAt],
    );
    return result.rowCount === 1;
  }

  async remove(kid: string): Promise<boolean> {
    const result = await this.#pool.query('DELETE FROM auth_signing_keys WHERE kid = $1', [kid]);
    return result.rowCount === 1;
  }
}

function keyContext(kid: string): string {
  return `signing-key:${kid}`;
}
