import type { PostgresPool, SealedBox } from '@gatehouse/common';
import type { SecretStore } from '../auth-store.js';

/** {@link SecretStore} on PostgreSQL, values sealed and bound to their name; the first writer wins. */
export class PostgresSecretStore implements SecretStore {
  readonly #pool: PostgresPool;
  readonly #box: SealedBox;

  constructor(pool: PostgresPool, box: SealedBox) {
    this.#pool = pool;
    this.#box = box;
  }

  async getOrCreate(name: string, create: () => string): Promise<string> {
    const context = `secret:${name}`;
    let sealed = await this.#read(name);
    if (sealed === undefined) {
      // Processes starting together each offer a value; every one of them reads the one that was stored first.
      await this.#pool.query(
        'INSERT INTO auth_secrets (name, value_sealed) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
        [name, this.#box.seal(create(), context)],
      );
      sealed = await this.#read(name);
    }
    if (sealed === undefined) throw new Error(`secret ${name} could not be stored`);
    return this.#box.open(sealed, context);
  }

  async #read(name: string): Promise<string | undefined> {
    const { rows } = await this.#pool.query<{ value_sealed: string }>(
      'SELECT value_sealed FROM auth_secrets WHERE name = $1',
      [name],
    );
    return rows[0]?.value_sealed;
  }
}
