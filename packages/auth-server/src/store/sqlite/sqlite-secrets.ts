import type { SealedBox, SqliteDatabase } from '@gatehouse/common';
import type { SecretStore } from '../auth-store.js';

/** {@link SecretStore} on SQLite, values sealed and bound to their name. */
export class SqliteSecretStore implements SecretStore {
  readonly #box: SealedBox;
  readonly #get;
  readonly #insert;

  constructor(db: SqliteDatabase, box: SealedBox) {
    this.#box = box;
    this.#get = db.prepare<[string], { value_sealed: string }>(
      'SELECT value_sealed FROM secrets WHERE name = ?',
    );
    // INSERT OR IGNORE: when two processes race, the first writer wins and both read its value.
    this.#insert = db.prepare<[string, string]>(
      'INSERT OR IGNORE INTO secrets (name, value_sealed) VALUES (?, ?)',
    );
  }

  async getOrCreate(name: string, create: () => string): Promise<string> {
    const context = `secret:${name}`;
    let row = this.#get.get(name);
    if (!row) {
      this.#insert.run(name, this.#box.seal(create(), context));
      row = this.#get.get(name);
    }
    if (!row) throw new Error(`secret ${name} could not be stored`);
    return this.#box.open(row.value_sealed, context);
  }
}
