import type { Adapter, AdapterConstructor, AdapterPayload } from 'oidc-provider';
import type { AuthStore, ClientRecord } from '../store/auth-store.js';
import { ACCOUNT_CLIENT_ID, accountClientMetadata } from './account-client.js';

/** What the adapter throws for a code or refresh token consumed twice: oidc-provider's `InvalidGrant`. */
export type ReplayError = new (message: string) => Error;

/**
 * The oidc-provider storage adapter (one instance per model: Session, Grant, AuthorizationCode, AccessToken,
 * RefreshToken, Interaction, …) over the {@link AuthStore}. Clients are not stored as model rows: the `Client`
 * model reads the clients table the CLI manages, so a change there is seen on the next request; `/account`'s own
 * client is made from the issuer (oidc/account-client.ts).
 *
 * The contract (oidc-provider's example/my_adapter.js): `consume(id)` marks a code or refresh token used, and
 * oidc-provider refuses one whose payload has `consumed` (and revokes its grant). That check reads the row
 * before the consume, with awaits between them, so two token requests with one code (two processes, or one
 * process) could both pass it. Here `consume` is an atomic store call whose answer decides: the loser revokes
 * the grant (the tokens the winner issues from it too) and throws `InvalidGrant`, as oidc-provider's own check
 * does (docs/security.md 25, 41).
 */
export function createAdapter(
  store: AuthStore,
  now: () => number,
  issuer: string,
  ReplayedGrant: ReplayError,
): AdapterConstructor {
  const accountClient = accountClientMetadata(issuer);
  return class StoreAdapter implements Adapter {
    readonly #model: string;

    constructor(model: string) {
      this.#model = model;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      if (this.#model === 'Client') throw new Error('clients are managed with `gatehouse clients`');
      const expiresAt = expiresIn ? now() + expiresIn : null;
      await store.models.upsert(this.#model, id, payload as Record<string, unknown>, expiresAt);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.#model === 'Client') {
        if (id === ACCOUNT_CLIENT_ID) return { ...accountClient };
        const client = await store.clients.find(id);
        return client ? toClientMetadata(client) : undefined;
      }
      return (await store.models.find(this.#model, id, now())) as AdapterPayload | undefined;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return (await store.models.findByUid(this.#model, uid, now())) as AdapterPayload | undefined;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return (await store.models.findByUserCode(this.#model, userCode, now())) as AdapterPayload | undefined;
    }

    async consume(id: string): Promise<void> {
      if (await store.models.consume(this.#model, id, now())) return;
      const replayed = await store.models.find(this.#model, id, now());
      if (typeof replayed?.grantId === 'string') await store.models.revokeGrant(replayed.grantId, now());
      throw new ReplayedGrant(`${LABELS[this.#model] ?? this.#model} already consumed`);
    }

    async destroy(id: string): Promise<void> {
      await store.models.destroy(this.#model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await store.models.revokeByGrantId(this.#model, grantId);
    }
  };
}

/** How oidc-provider names the models it consumes in its error descriptions. */
const LABELS: Readonly<Record<string, string>> = {
  AuthorizationCode: 'authorization code',
  RefreshToken: 'refresh token',
  DeviceCode: 'device code',
};

/** Registered client → oidc-provider client metadata (OpenID Connect Dynamic Client Registration 2). */
export function toClientMetadata(client: ClientRecord): AdapterPayload {
  const metadata: AdapterPayload = {
    client_id: client.clientId,
    redirect_uris: [...client.redirectUris],
    post_logout_redirect_uris: [...client.postLogoutRedirectUris],
    response_types: ['code'],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: client.authMethod,
  };
  if (client.name !== null) metadata.client_name = client.name;
  if (client.secret !== null && client.authMethod !== 'private_key_jwt')
    metadata.client_secret = client.secret;
  if (client.jwksUri !== null) metadata.jwks_uri = client.jwksUri;
  if (client.backchannelLogoutUri !== null) {
    metadata.backchannel_logout_uri = client.backchannelLogoutUri;
    metadata.backchannel_logout_session_required = true;
  }
  return metadata;
}
