import type { SealedBox, SqliteDatabase } from '@gatehouse/common';
import type { SigningAlgorithm } from '../../keys/signing-algorithms.js';
import type { SigningKeyRecord, SigningKeyStore } from '../auth-store.js';

interface KeyRow {
  kid: string;
  alg: string;
  private_jwk_sealed: string;
  created_at: number;
  retired_at: number | null;
}

/** {@link SigningKeyStore} on SQLite; private JWKs sealed, bound to their kid. */
export class SqliteSigningKeyStore implements SigningKeyStore {
  readonly #db: SqliteDatabase;
  readonly #box: SealedBox;
  readonly #all;
  readonly #insert;
  readonly #retire;
  readonly #delete;
  readonly #kids;
  readonly #hasActive;

  constructor(db: SqliteDatabase, box: SealedBox) {
    this.#db = db;
    this.#box = box;
    // rowid breaks ties between keys created in the same second: the later insert is the newer key.
    this.#all = db.prepare<[], KeyRow>('SELECT * FROM signing_keys ORDER BY created_at DESC, rowid DESC');
    this.#insert = db.prepare(
      `INSERT INTO signing_keys (kid, alg, private_jwk_sealed, created_at, retired_at)
       VALUES (@kid, @alg, @private_jwk_sealed, @created_at, NULL)`,
    );
    this.#retire = db.prepare<[number, string]>(
      'UPDATE signing_keys SET retired_at = ? WHERE alg = ? AND retired_at IS NULL',
    );
    this.#delete = db.prepare<[string]>('DELETE FROM signing_keys WHERE kid = ?');
    this.#kids = db.prepare<[], string>('SELECT kid FROM signing_keys').pluck();
    this.#hasActive = db.prepare<[string], { kid: string }>(
      'SELECT kid FROM signing_keys WHERE alg = ? AND retired_at IS NULL LIMIT 1',
    );
  }

  async list(): Promise<SigningKeyRecord[]> {
    return this.#all.all().map((row) => ({
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
    return this.#kids.all();
  }

  async addActive(key: Omit<SigningKeyRecord, 'retiredAt'>): Promise<void> {
    this.#db.transaction(() => {
      this.#retire.run(key.createdAt, key.alg);
      this.#insert.run({
        kid: key.kid,
        alg: key.alg,
        private_jwk_sealed: this.#box.seal(JSON.stringify(key.privateJwk), keyContext(key.kid)),
        created_at: key.createdAt,
      });
    })();
  }

  async addFirst(key: Omit<SigningKeyRecord, 'retiredAt'>): Promise<boolean> {
    // One transaction on SQLite's one writer: of two processes starting together, the second finds the key.
    return this.#db
      .transaction(() => {
        if (this.#hasActive.get(key.alg)) return false;
        this.#insert.run({
          kid: key.kid,
          alg: key.alg,
          private_jwk_sealed: this.#box.seal(JSON.stringify(key.privateJwk), keyContext(key.kid)),
          created_at: key.createdAt,
        });
        return true;
      })
      .immediate();
  }

  async remove(kid: string): Promise<boolean> {
    return this.#delete.run(kid).changes === 1;
  }
}

function keyContext(kid: string): string {
  return `signing-key:${kid}`;
}
