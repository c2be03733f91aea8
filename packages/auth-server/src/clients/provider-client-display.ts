import type { Client } from 'oidc-provider';
import type { DisplayedClient } from './client-display.js';

/** An oidc-provider `Client` (from `ctx.oidc.client`) as a page shows it; undefined when no client is known. */
export function providerClientDisplay(client: Client | undefined): DisplayedClient | undefined {
  if (!client) return undefined;
  return {
    clientId: client.clientId,
    name: client.clientName,
    redirectUris: client.redirectUris ?? [],
    postLogoutRedirectUris: client.postLogoutRedirectUris ?? [],
  };
}
