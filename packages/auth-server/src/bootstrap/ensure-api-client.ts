import { randomToken } from '@gatehouse/common';
import type { AuthStore } from '../store/auth-store.js';

/** The name the embedded client shows people ("to continue to Gatehouse demo"), unless one is given. */
export const API_CLIENT_NAME = 'Gatehouse demo';

/** What {@link ensureApiClient} needs: the API's client id and public URL, optionally a fixed secret. */
export interface EnsureApiClientInput {
  readonly clientId: string;
  /** The name shown on the sign-in pages; {@link API_CLIENT_NAME} by default. */
  readonly name?: string;
  /** The API's public origin, e.g. `http://localhost:3001`. */
  readonly publicUrl: string;
  /** Use this secret (e.g. OIDC_CLIENT_SECRET) instead of the stored or a generated one. */
  readonly secret?: string;
}

/**
 * Makes sure the API's client exists at the embedded server (first-party, client_secret_basic, named
 * {@link API_CLIENT_NAME} unless `name` says otherwise) with the
 * redirect URIs of the contract: `$PUBLIC_URL/callback`, `$PUBLIC_URL/authorization-code/callback`,
 * post-logout `$PUBLIC_URL/`, back-channel logout `$PUBLIC_URL/api/backchannel-logout`. Creates it with a
 * random 256-bit secret when missing, updates its URIs when `publicUrl` changed, and returns its secret.
 * Idempotent.
 */
export async function ensureApiClient(
  store: AuthStore,
  input: EnsureApiClientInput,
): Promise<{ clientId: string; clientSecret: string; created: boolean }> {
  const base = input.publicUrl.replace(/\/+$/, '');
  const existing = await store.clients.find(input.clientId);
  const clientSecret = input.secret ?? existing?.secret ?? randomToken(32);
  const wanted = {
    clientId: input.clientId,
    name: input.name ?? API_CLIENT_NAME,
    secret: clientSecret,
    redirectUris: [`${base}/callback`, `${base}/authorization-code/callback`],
    postLogoutRedirectUris: [`${base}/`],
    backchannelLogoutUri: `${base}/api/backchannel-logout`,
    authMethod: 'client_secret_basic' as const,
    jwksUri: null,
    firstParty: true,
  };
  const unchanged =
    existing !== undefined &&
    existing.name === wanted.name &&
    existing.secret === wanted.secret &&
    existing.firstParty &&
    existing.authMethod === wanted.authMethod &&
    existing.backchannelLogoutUri === wanted.backchannelLogoutUri &&
    JSON.stringify(existing.redirectUris) === JSON.stringify(wanted.redirectUris) &&
    JSON.stringify(existing.postLogoutRedirectUris) === JSON.stringify(wanted.postLogoutRedirectUris);
  if (!unchanged) await store.clients.put(wanted);
  return { clientId: input.clientId, clientSecret, created: existing === undefined };
}
