import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Migration, openDatabase, type SqliteDatabase } from '@gatehouse/common';
import type { Contact, ContactInput } from '@gatehouse/contract/demo';
import Database from 'better-sqlite3';
import { type ContactsStore, newContact } from './contacts-store.js';

/** Path of the demo's database inside DATA_DIR. */
export function contactsDatabaseFile(dataDir: string): string {
  return join(dataDir, 'demo', 'contacts.sqlite');
}

/** Where the API kept the demo's contacts before the demo had a database of its own. */
export function legacyContactsFile(dataDir: string): string {
  return join(dataDir, 'api', 'api.sqlite');
}

/**
 * The schema, one step per release: append only, never edit a step once released. Step 2 copies, once, the
 * contacts an earlier version kept in the API's database (`legacy`), so that the move loses nothing.
 */
export function contactsMigrations(legacy: string | undefined): readonly Migration[] {
  return [
    `CREATE TABLE contacts (
       id TEXT PRIMARY KEY,
       owner TEXT NOT NULL,
       name TEXT NOT NULL,
       email TEXT,
       phone TEXT,
       notes TEXT,
       created_at TEXT NOT NULL,
       updated_at TEXT NOT NULL
     );
     CREATE INDEX contacts_owner ON contacts (owner, created_at);`,
    (db) => copyLegacyContacts(db, legacy),
  ];
}

type ContactRow = Contact & { owner: string };

function copyLegacyContacts(db: SqliteDatabase, legacy: string | undefined): void {
  if (legacy === undefined || !existsSync(legacy)) return;
  const source = new Database(legacy, { readonly: true, fileMustExist: true });
  try {
    const table = source
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'contacts'")
      .get();
    if (table === undefined) return;
    const insert = db.prepare(
      `INSERT OR IGNORE INTO contacts (id, owner, name, email, phone, notes, created_at, updated_at)
       VALUES (@id, @owner, @name, @email, @phone, @notes, @created_at, @updated_at)`,
    );
    for (const row of source
      .prepare<[], ContactRow>(
        'SELECT id, owner, name, email, phone, notes, created_at, updated_at FROM contacts ORDER BY created_at',
      )
      .iterate()) {
      insert.run(row);
    }
  } finally {
    source.close();
  }
}

/**
 * {@link ContactsStore} on one SQLite file (`DATA_DIR/demo/contacts.sqlite`, WAL, 0600 in a 0700 folder): every
 * write is a committed transaction. Prepared statements only.
 */
export class SqliteContactsStore implements ContactsStore {
  readonly #db: SqliteDatabase;
  readonly #s;

  /** `legacy`: the API's database of an earlier version, whose contacts are copied on first open. */
  constructor(file: string, legacy?: string) {
    this.#db = openDatabase(file, contactsMigrations(legacy));
    const db = this.#db;
    this.#s = {
      list: db.prepare<[string], Contact>(
        'SELECT id, name, email, phone, notes, created_at, updated_at FROM contacts WHERE owner = ? ORDER BY created_at, id',
      ),
      get: db.prepare<[string, string], Contact>(
        'SELECT id, name, email, phone, notes, created_at, updated_at FROM contacts WHERE owner = ? AND id = ?',
      ),
      // One statement counts and inserts, so it is atomic across processes sharing the file too.
      insert: db.prepare(
        `INSERT INTO contacts (id, owner, name, email, phone, notes, created_at, updated_at)
         SELECT @id, @owner, @name, @email, @phone, @notes, @created_at, @updated_at
         WHERE (SELECT count(*) FROM contacts WHERE owner = @owner) < @limit`,
      ),
      update: db.prepare(
        `UPDATE contacts SET name = @name, email = @email, phone = @phone, notes = @notes, updated_at = @updated_at
         WHERE owner = @owner AND id = @id`,
      ),
      delete: db.prepare('DELETE FROM contacts WHERE owner = ? AND id = ?'),
    };
  }

  async list(owner: string): Promise<Contact[]> {
    return this.#s.list.all(owner);
  }

  async create(owner: string, input: ContactInput, now: number, limit: number): Promise<Contact | undefined> {
    const contact = newContact(input, now);
    return this.#s.insert.run({ ...contact, owner, limit }).changes === 1 ? contact : undefined;
  }

  async get(owner: string, id: string): Promise<Contact | undefined> {
    return this.#s.get.get(owner, id);
  }

  async update(owner: string, id: string, input: ContactInput, now: number): Promise<Contact | undefined> {
    return this.#db.transaction(() => {
      const current = this.#s.get.get(owner, id);
      if (current === undefined) return undefined;
      const next: Contact = { ...current, updated_at: new Date(now).toISOString() };
      if (input.name !== undefined) next.name = input.name;
      if (input.email !== undefined) next.email = input.email;
      if (input.phone !== undefined) next.phone = input.phone;
      if (input.notes !== undefined) next.notes = input.notes;
      this.#s.update.run({ ...next, owner });
      return next;
    })();
  }

  async delete(owner: string, id: string): Promise<boolean> {
    return this.#s.delete.run(owner, id).changes === 1;
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}
