import type { SealedBox, SqliteDatabase } from '@gatehouse/common';
import type { ClientAuthMethod, ClientInput, ClientRecord, ClientStore } from '../auth-store.js';

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

const MAX_OPENED_SECRETS = 1000;

/** {@link ClientStore} on SQLite; client secrets sealed, bound to the client id. */
export class SqliteClientStore implements ClientStore {
  readonly #box: SealedBox;
  readonly #now: () => number;
  readonly #upsert;
  readonly #byId;
  readonly #all;
  readonly #delete;
  // Opened secrets by client id and sealed value: oidc-provider looks the client up on nearly every request,
  // and a new secret is a new sealed value (fresh IV), so an entry can never be stale. Removing a client
  // forgets its entries.
  readonly #opened = new Map<string, string>();

  constructor(db: SqliteDatabase, box: SealedBox, now: () => number) {
    this.#box = box;
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
      secret_sealed:
        client.secret === null ? null : this.#box.seal(client.secret, secretContext(client.clientId)),
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
    for (const key of this.#opened.keys()) if (key.startsWith(`${clientId}\u0000`)) this.#opened.delete(key);
    return this.#delete.run(clientId).changes === 1;
  }

  #openSecret(sealed: string, clientId: string): string {
    // Keyed by client id too: a sealed value is bound to its client (AAD), and a copy of one client's sealed
    // secret in another client's row must fail to open there, cached or not.
    const key = `${clientId}\u0000${sealed}`;
    const cached = this.#opened.get(key);
    if (cached !== undefined) return cached;
    const secret = this.#box.open(sealed, secretContext(clientId));
    if (this.#opened.size >= MAX_OPENED_SECRETS) this.#opened.clear();
    this.#opened.set(key, secret);
    return secret;
  }

  #toRecord(row: ClientRow): ClientRecord {
    return {
      clientId: row.client_id,
      name: row.name,
      secret: row.secret_sealed === null ? null : this.#openSecret(row.secret_sealed, row.client_id),
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

function secretContext(clientId: string): string {
  return `client-secret:${clientId}`;
}
