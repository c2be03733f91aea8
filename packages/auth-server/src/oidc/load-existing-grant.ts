import type { Grant, KoaContextWithOIDC } from 'oidc-provider';
import type { ClientStore } from '../store/auth-store.js';
import { ACCOUNT_CLIENT_ID } from './account-client.js';

/** Every scope a first-party client receives without a consent page. */
const FIRST_PARTY_SCOPE = 'openid profile email offline_access roles';

/**
 * oidc-provider's `loadExistingGrant`: the grant already in the session, or, for a first-party client (the
 * API), a new grant created without asking, so consent is skipped for it only (the recipe in oidc-provider's
 * docs, "Skipping consent"). Third-party clients get no automatic grant and see the consent page.
 */
export function createLoadExistingGrant(clients: ClientStore) {
  return async (ctx: KoaContextWithOIDC): Promise<Grant | undefined> => {
    const { oidc } = ctx;
    const client = oidc.client;
    if (!client || !oidc.session) return undefined;
    const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(client.clientId);
    if (grantId) return oidc.provider.Grant.find(grantId);
    const accountId = oidc.session.accountId;
    if (!accountId) return undefined;
    // `/account` is this server's own page: it asks for `openid` only.
    const own = client.clientId === ACCOUNT_CLIENT_ID;
    if (!own && !(await clients.find(client.clientId))?.firstParty) return undefined;
    const grant = new oidc.provider.Grant({ clientId: client.clientId, accountId });
    grant.addOIDCScope(own ? 'openid' : FIRST_PARTY_SCOPE);
    await grant.save();
    return grant;
  };
}
