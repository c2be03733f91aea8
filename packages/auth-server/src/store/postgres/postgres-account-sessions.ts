import type { AccountEndReason } from '../auth-store.js';
import type { ModelSealing } from './model-sealing.js';
import type { PostgresClient } from './postgres-queries.js';

/**
 * Ends an account at this server, in PostgreSQL: queues a back-channel logout notice for each (session, client
 * with a back-channel logout URI) of the account, then deletes every row of it (sessions, grants, codes, tokens,
 * and the interactions signing in to it: `account_id` is written for those too). Called inside the transaction
 * of the change that ends the account (a new password, a removal, a new TOTP secret, disabling).
 */
export class PostgresAccountSessions {
  readonly #sealing: ModelSealing;

  constructor(sealing: ModelSealing) {
    this.#sealing = sealing;
  }

  async end(
    client: PostgresClient,
    accountId: string,
    reason: AccountEndReason,
    now: number,
  ): Promise<number> {
    const sessions = await client.query<{ id_hash: string; payload_sealed: string }>(
      "SELECT id_hash, payload_sealed FROM auth_oidc_models WHERE model = 'Session' AND account_id = $1",
      [accountId],
    );
    const pairs = sessions.rows.flatMap((row) =>
      sidsOf(this.#sealing.open('Session', row.id_hash, row.payload_sealed)),
    );
    if (pairs.length > 0) {
      // Due at once (0), whatever the clock of the process that writes it (the CLI's, a test's).
      await client.query(
        `INSERT INTO auth_backchannel_outbox (client_id, sub, sid, reason, attempts, next_attempt_at, created_at)
         SELECT p.client_id, $3, p.sid, $4, 0, 0, $5
         FROM unnest($1::text[], $2::text[]) AS p (client_id, sid)
         JOIN auth_clients c ON c.client_id = p.client_id AND c.backchannel_logout_uri IS NOT NULL`,
        [pairs.map(([clientId]) => clientId), pairs.map(([, sid]) => sid), accountId, reason, now],
      );
    }
    const deleted = await client.query('DELETE FROM auth_oidc_models WHERE account_id = $1', [accountId]);
    return deleted.rowCount ?? 0;
  }
}

/** The (client id, sid) pairs of an oidc-provider Session payload (`authorizations: { [clientId]: { sid } }`). */
function sidsOf(payload: Record<string, unknown>): Array<[string, string]> {
  const authorizations = payload.authorizations;
  if (typeof authorizations !== 'object' || authorizations === null) return [];
  const pairs: Array<[string, string]> = [];
  for (const [clientId, authorization] of Object.entries(authorizations)) {
    const sid = (authorization as { sid?: unknown } | null)?.sid;
    if (typeof sid === 'string') pairs.push([clientId, sid]);
  }
  return pairs;
}
