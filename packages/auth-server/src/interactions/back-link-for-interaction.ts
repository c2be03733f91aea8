import type { BackLink } from '@gatehouse/common';
import { backLinkTo } from '../clients/client-display.js';
import type { InteractionDeps } from './interaction-deps.js';

/**
 * A link back to the application that started interaction `uid`, for an error page: found through the
 * interaction's stored request (a read by id, whatever this browser's cookies) and the client's registered URIs.
 * Undefined when the interaction has expired or its client is gone: the page then says it can be closed.
 */
export async function backLinkForInteraction(
  deps: InteractionDeps,
  uid: string,
): Promise<BackLink | undefined> {
  try {
    const interaction = await deps.provider().Interaction.find(uid);
    const clientId = interaction?.params.client_id;
    if (typeof clientId !== 'string') return undefined;
    const client = await deps.store.clients.find(clientId);
    return client ? backLinkTo(client) : undefined;
  } catch {
    // Only a nicety on a page that already reports an error: never a second failure.
    return undefined;
  }
}
