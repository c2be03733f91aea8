import type { SqliteDatabase } from '@gatehouse/common';
import type { AccountEndReason } from '../auth-store.js';

/**
 * Ends an account at this server, in SQL: queues a back-channel logout notice for each (session, client with a
 * back-channel logout URI) of the account, then deletes every row of it. Shared by the model store
 * (`revokeByAccountId`) and the user store (a new password, a removal, a new TOTP secret, disabling), which call
 * it inside the transaction of their own change.
 */
export class SqliteAccountSessions {
  readonly #sessions;
  readonly #backchannelUri;
  readonly #queue;
  readonly #delete;
  readonly #transaction;

  constructor(db: SqliteDatabase) {
    this.#transaction = <T>(run: () => T): T => db.transaction(run)();
    this.#sessions = db.prepare<[string], { payload: string }>(
      "SELECT payload FROM oidc_models WHERE model = 'Session' AND json_extract(payload, '$.accountId') = ?",
    );
    this.#backchannelUri = db.prepare<[string], { backchannel_logout_uri: string | null }>(
      'SELECT backchannel_logout_uri FROM clients WHERE client_id = ?',
    );
    // Due at once (0), whatever the clock of the process that writes it (the CLI's, a test's).
    this.#queue = db.prepare<{ client_id: string; sub: string; sid: string; reason: string; now: number }>(
      `INSERT INTO backchannel_outbox (client_id, sub, sid, reason, attempts, next_attempt_at, created_at)
       VALUES (@client_id, @sub, @sid, @reason, 0, 0, @now)`,
    );
    // oidc-provider keeps the account at the top level of Session, Grant, code and token payloads. An
    // interaction signing in to the account keeps it in its result: the password step's pending second factor
    // (interactions/interaction-state.ts) or a finished login not yet resumed; they end too.
    this.#delete = db.prepare<{ account: string }>(
      `DELETE FROM oidc_models WHERE json_extract(payload, '$.accountId') = @account
         OR (model = 'Interaction' AND (json_extract(payload, '$.result.login.accountId') = @account
           OR json_extract(payload, '$.result.gatehouse_second_factor.accountId') = @account))`,
    );
  }

  /** Queues the notices and deletes the rows, atomically (nested in the caller's transaction if there is one). */
  end(accountId: string, reason: AccountEndReason, now: number): number {
    return this.#transaction(() => {
      for (const { payload } of this.#sessions.all(accountId)) {
        for (const [clientId, sid] of sidsOf(payload)) {
          if (this.#backchannelUri.get(clientId)?.backchannel_logout_uri) {
            this.#queue.run({ client_id: clientId, sub: accountId, sid, reason, now });
          }
        }
      }
      return this.#delete.run({ account: accountId }).changes;
    });
  }
}

/** The (client id, sid) pairs of an oidc-provider Session payload (`authorizations: { [clientId]: { sid } }`). */
function sidsOf(payload: string): Array<[string, string]> {
  const authorizations = (JSON.parse(payload) as { authorizations?: unknown }).authorizations;
  if (typeof authorizations !== 'object' || authorizations === null) return [];
  const pairs: Array<[string, string]> = [];
  for (const [clientId, authorization] of Object.entries(authorizations)) {
    const sid = (authorization as { sid?: unknown } | null)?.sid;
    if (typeof sid === 'string') pairs.push([clientId, sid]);
  }
  return pairs;
}
