import type { BackLink } from '@gatehouse/common';

/** What a page needs to know of a client to name it and link back to it. */
export interface DisplayedClient {
  readonly clientId: string;
  readonly name: string | null | undefined;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
}

/** The name people see: the registered `client_name`, else the client id (the operator chose no name). */
export function clientDisplayName(client: Pick<DisplayedClient, 'clientId' | 'name'>): string {
  return client.name ?? client.clientId;
}

/**
 * A link back to the application: its first registered post-logout redirect URI (where it wants people who
 * leave), else the origin of its first redirect URI. Only registered URIs, never one from the request.
 */
export function backLinkTo(client: DisplayedClient): BackLink | undefined {
  const target = client.postLogoutRedirectUris[0] ?? originOf(client.redirectUris[0]);
  return target === undefined ? undefined : { href: target, label: `Back to ${clientDisplayName(client)}` };
}

function originOf(uri: string | undefined): string | undefined {
  if (uri === undefined) return undefined;
  try {
    return `${new URL(uri).origin}/`;
  } catch {
    return undefined;
  }
}
