import type { PostgresPool, SealedBox } from '@gatehouse/common';
import type { ClientAuthMethod, ClientInput, ClientRecord, ClientStore } from '../auth-store.js';
import { ClientSecretBox } from '../client-secret-box.js';

interface ClientRow {
  client_id: string;
  name: string | null;
  secret_sealed: string | null;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  backchannel_logout_uri: string | null;
  auth_method: string;
  jwks_uri: string | null;
  first_party: boolean;
  created_at: number;
}

/** {@link ClientStore} on PostgreSQL; client secrets sealed, bound to the client id. */
export class PostgresClientStore implements ClientStore {
  readonly #pool: PostgresPool;
  readonly #secrets: ClientSecretBox;
  readonly #now: () => number;

  constructor(pool: PostgresPool, box: SealedBox, now: () => number) {
    this.#pool = pool;
    this.#secrets = new ClientSecretBox(box);
    this.#now = now;
  }

  async put(client: ClientInput): Promise<ClientRecord> {
    const { rows } = await this.#pool.query<ClientRow>(
      `INSERT INTO auth_clients (client_id, name, secret_sealed, redirect_uris, post_logout_redirect_uris,
         backchannel_logout_uri, auth_method, jwks_uri, first_party, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (client_id) DO UPDATE SET name = excluded.name, secret_sealed = excluded.secret_sealed,
         redirect_uris = excluded.redirect_uris, post_logout_redirect_uris = excluded.post_logout_redirect_uris,
         backchannel_logout_uri = excluded.backchannel_logout_uri, auth_method = excluded.auth_method,
         jwks_uri = excluded.jwks_uri, first_party = excluded.first_party
       RETURNING *`,
      [
        client.clientId,
        client.name ?? null,
        client.secret === null ? null : this.#secrets.seal(client.secret, client.clientId),
        JSON.stringify(client.redirectUris),
        JSON.stringify(client.postLogoutRedirectUris),
        client.backchannelLogoutUri,
        client.authMethod,
        client.jwksUri,
        client.firstParty,
        this.#now(),
      ],
    );
    if (!rows[0]) throw new Error('client vanished after write');
    return this.#toRecord(rows[0]);
  }

  async find(clientId: string): Promise<ClientRecord | undefined> {
    const { rows } = await this.#pool.query<ClientRow>('SELECT * FROM auth_clients WHERE client_id = $1', [
      clientId,
    ]);
    return rows[0] ? this.#toRecord(rows[0]) : undefined;
  }

  async list(): Promise<ClientRecord[]> {
    const { rows } = await this.#pool.query<ClientRow>(
      'SELECT * FROM auth_clients ORDER BY client_id COLLATE "C"',
    );
    return rows.map((row) => this.#toRecord(row));
  }

  async remove(clientId: string): Promise<boolean> {
    this.#secrets.forget(clientId);
    const result = await this.#pool.query('DELETE FROM auth_clients WHERE client_id = $1', [clientId]);
    return result.rowCount === 1;
  }

  #toRecord(row: ClientRow): ClientRecord {
    return {
      clientId: row.client_id,
      name: row.name,
      secret: row.secret_sealed === null ? null : this.#secrets.open(row.secret_sealed, row.client_id),
      redirectUris: row.redirect_uris,
      postLogoutRedirectUris: row.post_logout_redirect_uris,
      backchannelLogoutUri: row.backchannel_logout_uri,
      authMethod: row.auth_method as ClientAuthMethod,
      jwksUri: row.jwks_uri,
      firstParty: row.first_party,
      createdAt: row.created_at,
    };
  }
}
