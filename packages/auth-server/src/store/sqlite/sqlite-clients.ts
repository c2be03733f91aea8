import type { SealedBox, SqliteDatabase } from '@gatehouse/common';
import type { ClientAuthMethod, ClientInput, ClientRecord, ClientStore } from '../auth-store.js';
import { ClientSecretBox } from '../client-secret-box.js';

interface ClientRow {
  client_id: string;
  name: string | null;
  secret_sealed: string | null;
  redirect_uris: string;
  post_logout_redirect_uris: string;
  backchannel_logout_uri: string | null;
  auth_method: string;
  jwks_uri: string | null;
  first_party: number;
  created_at: number;
}

/** {@link ClientStore} on SQLite; client secrets sealed, bound to the client id. */
export class SqliteClientStore implements ClientStore {
  readonly #secrets: ClientSecretBox;
  readonly #now: () => number;
  readonly #upsert;
  readonly #byId;
  readonly #all;
  readonly #delete;

  constructor(db: SqliteDatabase, box: SealedBox, now: () => number) {
    this.#secrets = new ClientSecretBox(box);
    this.#now = now;
    this.#upsert = db.prepare(
      `INSERT INTO clients (client_id, name, secret_sealed, redirect_uris, post_logout_redirect_uris,
         backchannel_logout_uri, auth_method, jwks_uri, first_party, created_at)
       VALUES (@client_id, @name, @secret_sealed, @redirect_uris, @post_logout_redirect_uris,
         @backchannel_logout_uri, @auth_method, @jwks_uri, @first_party, @created_at)
       ON CONFLICT (client_id) DO UPDATE SET name = excluded.name, secret_sealed = excluded.secret_sealed,
         redirect_uris = excluded.redirect_uris, post_logout_redirect_uris = excluded.post_logout_redirect_uris,
         backchannel_logout_uri = excluded.backchannel_logout_uri, auth_method = excluded.auth_method,
         jwks_uri = excluded.jwks_uri, first_party = excluded.first_party`,
    );
    this.#byId = db.prepare<[string], ClientRow>('SELECT * FROM clients WHERE client_id = ?');
    this.#all = db.prepare<[], ClientRow>('SELECT * FROM clients ORDER BY client_id');
    this.#delete = db.prepare<[string]>('DELETE FROM clients WHERE client_id = ?');
  }

  async put(client: ClientInput): Promise<ClientRecord> {
    this.#upsert.run({
      client_id: client.clientId,
      name: client.name ?? null,
      secret_sealed: client.secret === null ? null : this.#secrets.seal(client.secret, client.clientId),
      redirect_uris: JSON.stringify(client.redirectUris),
      post_logout_redirect_uris: JSON.stringify(client.postLogoutRedirectUris),
      backchannel_logout_uri: client.backchannelLogoutUri,
      auth_method: client.authMethod,
      jwks_uri: client.jwksUri,
      first_party: client.firstParty ? 1 : 0,
      created_at: this.#now(),
    });
    const stored = await this.find(client.clientId);
    if (!stored) throw new Error('client vanished after write');
    return stored;
  }

  async find(clientId: string): Promise<ClientRecord | undefined> {
    const row = this.#byId.get(clientId);
    return row ? this.#toRecord(row) : undefined;
  }

  async list(): Promise<ClientRecord[]> {
    return this.#all.all().map((row) => this.#toRecord(row));
  }

  async remove(clientId: string): Promise<boolean> {
    this.#secrets.forget(clientId);
    return this.#delete.run(clientId).changes === 1;
  }

  #toRecord(row: ClientRow): ClientRecord {
    return {
      clientId: row.client_id,
      name: row.name,
      secret: row.secret_sealed === null ? null : this.#secrets.open(row.secret_sealed, row.client_id),
      redirectUris: JSON.parse(row.redirect_uris) as string[],
      postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
      backchannelLogoutUri: row.backchannel_logout_uri,
      authMethod: row.auth_method as ClientAuthMethod,
      jwksUri: row.jwks_uri,
      firstParty: row.first_party === 1,
      createdAt: row.created_at,
    };
  }
}
