import {
  type Logger,
  migratePostgres,
  openPostgres,
  type PostgresMigration,
  type PostgresPool,
} from '@gatehouse/common';
import type { Contact, ContactInput } from '@gatehouse/contract/demo';
import { type ContactsStore, newContact } from './contacts-store.js';

/** The demo's tables on PostgreSQL (component `demo`), prefixed `demo_`: the API and auth server share the database. */
export const CONTACTS_POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  `CREATE TABLE demo_contacts (
     id text PRIMARY KEY,
     owner text NOT NULL,
     name text NOT NULL,
     email text,
     phone text,
     notes text,
     created_at text NOT NULL,
     updated_at text NOT NULL
   );
   CREATE INDEX demo_contacts_owner ON demo_contacts (owner, created_at);`,
];

const COLUMNS = 'id, name, email, phone, notes, created_at, updated_at';

/** {@link ContactsStore} on PostgreSQL (`DATABASE_URL`), shared by every process of the demo. */
export class PostgresContactsStore implements ContactsStore {
  readonly #pool: PostgresPool;

  private constructor(pool: PostgresPool) {
    this.#pool = pool;
  }

  /** Opens a pool and brings the demo's tables to this version (under the migrations' advisory lock). */
  static async open(url: string, logger: Logger): Promise<PostgresContactsStore> {
    const pool = openPostgres(url, { applicationName: 'gatehouse-demo', logger, max: 5 });
    try {
      await migratePostgres(pool, 'demo', CONTACTS_POSTGRES_MIGRATIONS);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return new PostgresContactsStore(pool);
  }

  async list(owner: string): Promise<Contact[]> {
    const { rows } = await this.#pool.query<Contact>(
      `SELECT ${COLUMNS} FROM demo_contacts WHERE owner = $1 ORDER BY created_at, id`,
      [owner],
    );
    return rows;
  }

  async create(owner: string, input: ContactInput, now: number, limit: number): Promise<Contact | undefined> {
    const contact = newContact(input, now);
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      // The owner's lock: two creates racing for the last place are counted one after the other.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`demo-contacts:${owner}`]);
      const result = await client.query(
        `INSERT INTO demo_contacts (id, owner, name, email, phone, notes, created_at, updated_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $7
         WHERE (SELECT count(*) FROM demo_contacts WHERE owner = $2) < $8`,
        [
          contact.id,
          owner,
          contact.name,
          contact.email,
          contact.phone,
          contact.notes,
          contact.created_at,
          limit,
        ],
      );
      await client.query('COMMIT');
      return result.rowCount === 1 ? contact : undefined;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async get(owner: string, id: string): Promise<Contact | undefined> {
    const { rows } = await this.#pool.query<Contact>(
      `SELECT ${COLUMNS} FROM demo_contacts WHERE owner = $1 AND id = $2`,
      [owner, id],
    );
    return rows[0];
  }

  async update(owner: string, id: string, input: ContactInput, now: number): Promise<Contact | undefined> {
    // One statement: a field not given keeps its value (COALESCE over a flag, since null is a value to set).
    const { rows } = await this.#pool.query<Contact>(
      `UPDATE demo_contacts SET
         name = CASE WHEN $3 THEN $4 ELSE name END,
         email = CASE WHEN $5 THEN $6 ELSE email END,
         phone = CASE WHEN $7 THEN $8 ELSE phone END,
         notes = CASE WHEN $9 THEN $10 ELSE notes END,
         updated_at = $11
       WHERE owner = $1 AND id = $2
       RETURNING ${COLUMNS}`,
      [
        owner,
        id,
        input.name !== undefined,
        input.name ?? null,
        input.email !== undefined,
        input.email ?? null,
        input.phone !== undefined,
        input.phone ?? null,
        input.notes !== undefined,
        input.notes ?? null,
        new Date(now).toISOString(),
      ],
    );
    return rows[0];
  }

  async delete(owner: string, id: string): Promise<boolean> {
    const result = await this.#pool.query('DELETE FROM demo_contacts WHERE owner = $1 AND id = $2', [
      owner,
      id,
    ]);
    return result.rowCount === 1;
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
