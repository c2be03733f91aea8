import { dirname, join } from 'node:path';
import { type Migration, openDatabase, type SqliteDatabase } from '@gatehouse/common';
import type { ApiKeyStore } from '../api-key-store.js';
import type { ApiStore } from '../api-store.js';
import type { ConsumeResult, LoginTransaction } from '../login-transaction-store.js';
import type { RateLimitCount } from '../rate-limit-store.js';
import { type SessionRow, type SummaryRow, toSession, toSummary, withinGrace } from '../session-row.js';
import type {
  ApiSession,
  ProviderCheck,
  ProviderGrant,
  RefreshResult,
  SessionMatch,
  SessionSummary,
  StoredUser,
} from '../session-store.js';
import { FileApiKeyStore } from './file-api-key-store.js';

/**
 * The schema, one step per release: append only, never edit a step once released (exported for upgrade tests).
 * The `contacts` table of step 1 belonged to the demo, which now keeps its own database (`DATA_DIR/demo`) and
 * copies the rows from here once; the table is left in place so that an upgrade loses nothing.
 */
export const API_MIGRATIONS: readonly Migration[] = [
  `CREATE TABLE login_transactions (
     state_hash TEXT PRIMARY KEY,
     binding_hash TEXT NOT NULL,
     nonce TEXT NOT NULL,
     code_verifier TEXT NOT NULL,
     return_to TEXT NOT NULL,
     flow TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     used_at INTEGER
   );
   CREATE TABLE users (
     sub TEXT PRIMARY KEY,
     email TEXT,
     email_verified INTEGER,
     name TEXT,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE sessions (
     id TEXT PRIMARY KEY,
     sub TEXT NOT NULL,
     provider_sid TEXT,
     id_token_sealed TEXT,
     created_at INTEGER NOT NULL,
     absolute_expires_at INTEGER NOT NULL,
     revoked_at INTEGER,
     revoked_reason TEXT
   );
   CREATE INDEX sessions_provider_sid ON sessions (provider_sid);
   CREATE INDEX sessions_sub ON sessions (sub);
   CREATE INDEX sessions_revoked_at ON sessions (revoked_at);
   CREATE TABLE refresh_tokens (
     token_hash TEXT PRIMARY KEY,
     session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
     created_at INTEGER NOT NULL,
     idle_expires_at INTEGER NOT NULL,
     used_at INTEGER
   );
   CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
   CREATE TABLE logout_jtis (
     jti TEXT PRIMARY KEY,
     expires_at INTEGER NOT NULL
   );
   CREATE TABLE contacts (
     id TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     name TEXT NOT NULL,
     email TEXT,
     phone TEXT,
     notes TEXT,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL
   );
   CREATE INDEX contacts_owner ON contacts (owner, created_at);`,
  // 2: revocations numbered in commit order, for the poll of other processes' revocations (RevokedSessions).
  // `revoked_at` cannot serve: it is the revoker's clock, read before a write that may wait seconds for the
  // database lock. SQLite has one writer at a time and the trigger runs inside the revoking transaction, so a
  // smaller `seq` is always committed first; AUTOINCREMENT never reuses one after the sweep deletes rows.
  `CREATE TABLE session_revocations (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     session_id TEXT NOT NULL,
     revoked_at INTEGER NOT NULL
   );
   CREATE INDEX session_revocations_revoked_at ON session_revocations (revoked_at);
   DROP INDEX sessions_revoked_at; -- only the poll by time read it
   INSERT INTO session_revocations (session_id, revoked_at)
     SELECT id, revoked_at FROM sessions WHERE revoked_at IS NOT NULL ORDER BY revoked_at;
   CREATE TRIGGER sessions_revoked AFTER UPDATE OF revoked_at ON sessions
     WHEN OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL
   BEGIN
     INSERT INTO session_revocations (session_id, revoked_at) VALUES (NEW.id, NEW.revoked_at);
   END;`,
  // 3: a session keeps the generation of its refresh token instead of a row per token (see RefreshTokens):
  // spent rows were swept at their idle expiry, after which a stolen-and-used token's original copy was no
  // longer recognised as reused. Sessions from before have generation 0 and idle expiry 0, so they end: their
  // cookies (random tokens under the old cookie name) name no generation anyway.
  `ALTER TABLE sessions ADD COLUMN refresh_generation INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE sessions ADD COLUMN idle_expires_at INTEGER NOT NULL DEFAULT 0;
   DROP TABLE refresh_tokens;
   CREATE INDEX sessions_expiry ON sessions (absolute_expires_at);
   CREATE INDEX sessions_idle_expiry ON sessions (idle_expires_at);`,
  // 4: an SPA login is also bound to a verifier its page keeps in sessionStorage (docs/security.md 51). SPA
  // transactions pending at the upgrade have none and are refused at their callback: the user logs in again.
  'ALTER TABLE login_transactions ADD COLUMN login_challenge TEXT;',
  // 5: roles the provider asserted (a JSON array, docs/security.md 36) and the scopes it granted, carried by every
  // access token of the session, refreshed ones included. Sessions from before have none: their tokens carry
  // neither until the user signs in again.
  `ALTER TABLE users ADD COLUMN roles TEXT;
   ALTER TABLE sessions ADD COLUMN scope TEXT;`,
  // 6: when the current generation was reached, for the refresh grace (a lost answer retried); and the
  // rate-limit counters, kept here rather than in each process's memory. Sessions from before have 0: no grace.
  `ALTER TABLE sessions ADD COLUMN refresh_rotated_at INTEGER NOT NULL DEFAULT 0;
   CREATE TABLE rate_limits (
     key TEXT PRIMARY KEY,
     window_start INTEGER NOT NULL,
     window_ms INTEGER NOT NULL,
     hits INTEGER NOT NULL
   );
   CREATE INDEX rate_limits_window ON rate_limits (window_start);`,
  // 7: where a session signed in from, for `gatehouse sessions list` (the last use is refresh_rotated_at, which
  // each refresh writes anyway). Sessions from before show neither.
  `ALTER TABLE sessions ADD COLUMN client_address TEXT;
   ALTER TABLE sessions ADD COLUMN user_agent TEXT;`,
  // 8: the provider's tokens (sealed by the API) and the state of its session check (OIDC_SESSION_CHECK_INTERVAL).
  // Sessions from before have none and a check due at once: with the check on they end at their next refresh.
  `ALTER TABLE sessions ADD COLUMN provider_refresh_sealed TEXT;
   ALTER TABLE sessions ADD COLUMN provider_access_sealed TEXT;
   ALTER TABLE sessions ADD COLUMN provider_access_expires_at INTEGER;
   ALTER TABLE sessions ADD COLUMN provider_checked_at INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE sessions ADD COLUMN provider_failing_since INTEGER;`,
];

interface TransactionRow {
  state_hash: string;
  binding_hash: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  flow: string;
  login_challenge: string | null;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

interface ProviderCheckRow {
  provider_refresh_sealed: string | null;
  provider_access_sealed: string | null;
  provider_access_expires_at: number | null;
  provider_failing_since: number | null;
}

const SUMMARY_SELECT = `SELECT s.id, s.sub, u.email, u.name, s.created_at,
    max(s.created_at, s.refresh_rotated_at) AS last_used_at, s.client_address, s.user_agent,
    min(s.idle_expires_at, s.absolute_expires_at) AS expires_at
  FROM sessions s LEFT JOIN users u ON u.sub = s.sub`;

/** A live session: not revoked, before both expiries (`@now`). */
const LIVE = 's.revoked_at IS NULL AND s.idle_expires_at > @now AND s.absolute_expires_at > @now';
/** The sessions of `@user`: its `sub`, or its email in any case. */
const OF_USER = '(s.sub = @user OR s.sub IN (SELECT sub FROM users WHERE lower(email) = lower(@user)))';

interface UserRow {
  sub: string;
  email: string | null;
  email_verified: number | null;
  name: string | null;
  roles: string | null;
}

/** Path of the API's database inside DATA_DIR. */
export function apiDatabaseFile(dataDir: string): string {
  return join(dataDir, 'api', 'api.sqlite');
}

/**
 * {@link ApiStore} on one SQLite file (`DATA_DIR/api/api.sqlite`, WAL): every write is a committed transaction,
 * so a `kill -9` loses nothing already answered. Prepared statements only. Its keys are files beside the
 * database (`signing-keys.json`, `sealing.key`, `client-assertion-key.json`, mode 0600).
 */
export class SqliteApiStore implements ApiStore {
  readonly keys: ApiKeyStore;
  readonly #db: SqliteDatabase;
  readonly #s;
  /** One read transaction (one snapshot) for the newest revocation number and the rows up to it. */
  readonly #readRevocations: (
    cursor: number,
    notBefore: number,
  ) => { cursor: number; sessions: { id: string; revokedAt: number }[] };
  /** One IMMEDIATE transaction per refresh grant, wrapped once here rather than on every call. */
  readonly #rotate: (
    sessionId: string,
    generation: number,
    now: number,
    idleExpiresAt: number,
    graceMs: number,
  ) => RefreshResult;

  constructor(file: string) {
    this.#db = openDatabase(file, API_MIGRATIONS);
    this.keys = new FileApiKeyStore(dirname(file));
    const db = this.#db;
    this.#s = {
      insertTx: db.prepare(
        `INSERT INTO login_transactions (state_hash, binding_hash, nonce, code_verifier, return_to, flow, login_challenge, created_at, expires_at)
         VALUES (@stateHash, @bindingHash, @nonce, @codeVerifier, @returnTo, @flow, @loginChallenge, @createdAt, @expiresAt)`,
      ),
      consumeTx: db.prepare<[number, string], TransactionRow>(
        'UPDATE login_transactions SET used_at = ? WHERE state_hash = ? AND used_at IS NULL RETURNING *',
      ),
      findTx: db.prepare<[string], { used_at: number | null }>(
        'SELECT used_at FROM login_transactions WHERE state_hash = ?',
      ),
      upsertUser: db.prepare(
        `INSERT INTO users (sub, email, email_verified, name, roles, updated_at)
         VALUES (@sub, @email, @email_verified, @name, @roles, @now)
         ON CONFLICT (sub) DO UPDATE SET email = excluded.email, email_verified = excluded.email_verified,
           name = excluded.name, roles = excluded.roles, updated_at = excluded.updated_at`,
      ),
      getUser: db.prepare<[string], UserRow>(
        'SELECT sub, email, email_verified, name, roles FROM users WHERE sub = ?',
      ),
      insertSession: db.prepare(
        `INSERT INTO sessions (id, sub, provider_sid, id_token_sealed, scope, created_at, absolute_expires_at, refresh_generation, idle_expires_at, client_address, user_agent,
           provider_refresh_sealed, provider_access_sealed, provider_access_expires_at, provider_checked_at)
         VALUES (@id, @sub, @providerSid, @idTokenSealed, @scope, @createdAt, @absoluteExpiresAt, 0, @idleExpiresAt, @address, @userAgent,
           @refreshSealed, @accessSealed, @accessExpiresAt, @checkedAt)`,
      ),
      claimCheck: db.prepare<[{ id: string; dueAt: number; now: number }], ProviderCheckRow>(
        `UPDATE sessions AS s SET provider_checked_at = @now
         WHERE s.id = @id AND s.provider_checked_at <= @dueAt AND ${LIVE}
         RETURNING provider_refresh_sealed, provider_access_sealed, provider_access_expires_at, provider_failing_since`,
      ),
      recordVouched: db.prepare(
        `UPDATE sessions SET provider_refresh_sealed = @refreshSealed, provider_access_sealed = @accessSealed,
           provider_access_expires_at = @accessExpiresAt, provider_failing_since = NULL
         WHERE id = @id`,
      ),
      recordFailing: db.prepare<[number, string]>(
        'UPDATE sessions SET provider_failing_since = ? WHERE id = ?',
      ),
      listSessions: db.prepare<[{ now: number; limit: number }], SummaryRow>(
        `${SUMMARY_SELECT} WHERE ${LIVE} ORDER BY s.created_at DESC, s.id LIMIT @limit`,
      ),
      listUserSessions: db.prepare<[{ now: number; limit: number; user: string }], SummaryRow>(
        `${SUMMARY_SELECT} WHERE ${LIVE} AND ${OF_USER} ORDER BY s.created_at DESC, s.id LIMIT @limit`,
      ),
      revokeLiveById: db.prepare<[{ now: number; reason: string; id: string }], { id: string }>(
        `UPDATE sessions AS s SET revoked_at = @now, revoked_reason = @reason WHERE s.id = @id AND ${LIVE} RETURNING id`,
      ),
      revokeLiveByUser: db.prepare<[{ now: number; reason: string; user: string }], { id: string }>(
        `UPDATE sessions AS s SET revoked_at = @now, revoked_reason = @reason WHERE ${OF_USER} AND ${LIVE} RETURNING id`,
      ),
      advanceRefresh: db.prepare<[number, number, string, number]>(
        `UPDATE sessions SET refresh_generation = refresh_generation + 1, idle_expires_at = ?, refresh_rotated_at = ?
         WHERE id = ? AND refresh_generation = ?`,
      ),
      getSession: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?'),
      revokeSession: db.prepare(
        'UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL',
      ),
      revokeByProviderSid: db.prepare<[number, string, string], { id: string }>(
        `UPDATE sessions SET revoked_at = ?, revoked_reason = 'backchannel_logout'
         WHERE provider_sid = ? AND sub = ? AND revoked_at IS NULL RETURNING id`,
      ),
      revokeByProviderSidOnly: db.prepare<[number, string], { id: string }>(
        `UPDATE sessions SET revoked_at = ?, revoked_reason = 'backchannel_logout'
         WHERE provider_sid = ? AND revoked_at IS NULL RETURNING id`,
      ),
      revokeBySub: db.prepare<[number, string], { id: string }>(
        `UPDATE sessions SET revoked_at = ?, revoked_reason = 'backchannel_logout'
         WHERE sub = ? AND revoked_at IS NULL RETURNING id`,
      ),
      lastRevocation: db.prepare<[], { seq: number | null }>(
        'SELECT MAX(seq) AS seq FROM session_revocations',
      ),
      revocationsAfter: db.prepare<[number, number, number], { session_id: string; revoked_at: number }>(
        'SELECT session_id, revoked_at FROM session_revocations WHERE seq > ? AND seq <= ? AND revoked_at >= ?',
      ),
      insertJti: db.prepare('INSERT OR IGNORE INTO logout_jtis (jti, expires_at) VALUES (?, ?)'),
      // A fixed window per key: a new one starts once the current one is over.
      hit: db.prepare<
        [{ key: string; now: number; windowMs: number }],
        { window_start: number; window_ms: number; hits: number }
      >(
        `INSERT INTO rate_limits (key, window_start, window_ms, hits) VALUES (@key, @now, @windowMs, 1)
         ON CONFLICT (key) DO UPDATE SET
           hits = CASE WHEN rate_limits.window_start + rate_limits.window_ms <= @now THEN 1 ELSE rate_limits.hits + 1 END,
           window_start = CASE WHEN rate_limits.window_start + rate_limits.window_ms <= @now THEN @now ELSE rate_limits.window_start END,
           window_ms = CASE WHEN rate_limits.window_start + rate_limits.window_ms <= @now THEN @windowMs ELSE rate_limits.window_ms END
         RETURNING window_start, window_ms, hits`,
      ),
      sweepRateLimits: db.prepare('DELETE FROM rate_limits WHERE window_start + window_ms < ?'),
      sweepTx: db.prepare('DELETE FROM login_transactions WHERE expires_at < ?'),
      sweepJti: db.prepare('DELETE FROM logout_jtis WHERE expires_at < ?'),
      sweepSessions: db.prepare<[number, number]>(
        'DELETE FROM sessions WHERE absolute_expires_at < ? OR idle_expires_at < ?',
      ),
      sweepRevocations: db.prepare('DELETE FROM session_revocations WHERE revoked_at < ?'),
    };
    this.#readRevocations = db.transaction((cursor: number, notBefore: number) => {
      const last = this.#s.lastRevocation.get()?.seq ?? 0;
      // A number below the cursor means another file (restored from a backup): read all it keeps again.
      const rows = this.#s.revocationsAfter.all(last < cursor ? 0 : cursor, last, notBefore);
      return {
        cursor: last,
        sessions: rows.map((row) => ({ id: row.session_id, revokedAt: row.revoked_at })),
      };
    });
    this.#rotate = db.transaction(
      (sessionId: string, generation: number, now: number, idle: number, graceMs: number) =>
        this.#advance(sessionId, generation, now, idle, graceMs),
    ).immediate;
  }

  async createLoginTransaction(tx: LoginTransaction): Promise<void> {
    this.#s.insertTx.run(tx);
  }

  async consumeLoginTransaction(stateHash: string, now: number): Promise<ConsumeResult> {
    const row = this.#s.consumeTx.get(now, stateHash);
    if (row === undefined) {
      return { status: this.#s.findTx.get(stateHash) === undefined ? 'not_found' : 'used' };
    }
    return {
      status: 'ok',
      transaction: {
        stateHash: row.state_hash,
        bindingHash: row.binding_hash,
        nonce: row.nonce,
        codeVerifier: row.code_verifier,
        returnTo: row.return_to,
        flow: row.flow === 'simple' ? 'simple' : 'spa',
        loginChallenge: row.login_challenge,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      },
    };
  }

  async upsertUser(user: StoredUser, now: number): Promise<void> {
    this.#s.upsertUser.run({
      sub: user.sub,
      email: user.email ?? null,
      email_verified: user.email_verified === undefined ? null : Number(user.email_verified),
      name: user.name ?? null,
      roles: user.roles === undefined || user.roles.length === 0 ? null : JSON.stringify(user.roles),
      now,
    });
  }

  async createSession(session: ApiSession, idleExpiresAt: number): Promise<void> {
    this.#s.insertSession.run({
      id: session.id,
      sub: session.sub,
      providerSid: session.providerSid,
      idTokenSealed: session.idTokenSealed,
      scope: session.scope,
      createdAt: session.createdAt,
      absoluteExpiresAt: session.absoluteExpiresAt,
      idleExpiresAt: Math.min(idleExpiresAt, session.absoluteExpiresAt),
      address: session.address ?? null,
      userAgent: session.userAgent ?? null,
      ...grantColumns(session.providerGrant ?? null),
      checkedAt: session.providerCheckedAt ?? session.createdAt,
    });
  }

  async claimProviderCheck(
    sessionId: string,
    dueAt: number,
    now: number,
  ): Promise<ProviderCheck | undefined> {
    const row = this.#s.claimCheck.get({ id: sessionId, dueAt, now });
    return row === undefined ? undefined : toProviderCheck(row);
  }

  async recordProviderCheck(
    sessionId: string,
    outcome: { grant: ProviderGrant; failingSince: null } | { failingSince: number },
  ): Promise<void> {
    if (outcome.failingSince === null) {
      this.#s.recordVouched.run({ id: sessionId, ...grantColumns(outcome.grant) });
    } else {
      this.#s.recordFailing.run(outcome.failingSince, sessionId);
    }
  }

  async listSessions(query: { user?: string; limit: number }, now: number): Promise<SessionSummary[]> {
    const rows =
      query.user === undefined
        ? this.#s.listSessions.all({ now, limit: query.limit })
        : this.#s.listUserSessions.all({ now, limit: query.limit, user: query.user });
    return rows.map(toSummary);
  }

  async revokeSessions(match: SessionMatch, reason: string, now: number): Promise<string[]> {
    const rows =
      'id' in match
        ? this.#s.revokeLiveById.all({ now, reason, id: match.id })
        : this.#s.revokeLiveByUser.all({ now, reason, user: match.user });
    return rows.map((row) => row.id);
  }

  async rotateRefreshToken(
    sessionId: string,
    generation: number,
    now: number,
    idleExpiresAt: number,
    graceMs = 0,
  ): Promise<RefreshResult> {
    return this.#rotate(sessionId, generation, now, idleExpiresAt, graceMs);
  }

  // The body of #rotate: check the generation, advance it and read the user, all in one IMMEDIATE transaction
  // (SQLite has one writer: nothing can move the generation between the read and the write).
  #advance(
    sessionId: string,
    generation: number,
    now: number,
    idleExpiresAt: number,
    graceMs: number,
  ): RefreshResult {
    const session = this.#s.getSession.get(sessionId);
    if (session === undefined) return { status: 'not_found' };
    if (
      withinGrace(session, generation, now, graceMs) &&
      session.revoked_at === null &&
      session.idle_expires_at > now &&
      session.absolute_expires_at > now
    ) {
      // docs/security.md 38: the token just rotated away, again within the grace, its successor still unused:
      // a lost answer retried. The same successor again (tokens are a function of session and generation).
      return {
        status: 'ok',
        session: toSession(session),
        generation: session.refresh_generation,
        user: this.#user(session.sub),
      };
    }
    if (generation < session.refresh_generation) {
      // RFC 9700 4.14.2: a refresh token presented after it was rotated away means it leaked; end the whole
      // session (every later token is of the same session) for both the other party and the user.
      this.#s.revokeSession.run(now, 'refresh_token_reused', session.id);
      return { status: 'reused', sessionId: session.id };
    }
    // A generation the session never reached: not one we issued for it (a store restored from a backup).
    if (generation > session.refresh_generation) return { status: 'not_found' };
    if (session.revoked_at !== null) return { status: 'revoked' };
    if (session.idle_expires_at <= now || session.absolute_expires_at <= now) return { status: 'expired' };
    const moved = this.#s.advanceRefresh.run(
      Math.min(idleExpiresAt, session.absolute_expires_at),
      now,
      session.id,
      generation,
    );
    // The row count decides, even here: only the statement that moved the generation issues its successor.
    if (moved.changes !== 1) return { status: 'not_found' };
    return {
      status: 'ok',
      session: toSession(session),
      generation: generation + 1,
      user: this.#user(session.sub),
    };
  }

  #user(sub: string): StoredUser | undefined {
    const userRow = this.#s.getUser.get(sub);
    return userRow === undefined ? undefined : toUser(userRow);
  }

  async findSessionByRefresh(
    sessionId: string,
    generation: number,
  ): Promise<{ session: ApiSession; spent: boolean } | undefined> {
    const row = this.#s.getSession.get(sessionId);
    if (row === undefined || generation > row.refresh_generation) return undefined;
    return { session: toSession(row), spent: generation < row.refresh_generation };
  }

  async revokeSession(sessionId: string, reason: string, now: number): Promise<void> {
    this.#s.revokeSession.run(now, reason, sessionId);
  }

  async revokeProviderSessions(
    match: { providerSid?: string; sub?: string },
    now: number,
  ): Promise<string[]> {
    const rows =
      match.providerSid !== undefined && match.sub !== undefined
        ? this.#s.revokeByProviderSid.all(now, match.providerSid, match.sub)
        : match.providerSid !== undefined
          ? this.#s.revokeByProviderSidOnly.all(now, match.providerSid)
          : match.sub !== undefined
            ? this.#s.revokeBySub.all(now, match.sub)
            : [];
    return rows.map((row) => row.id);
  }

  async revocationsAfter(
    cursor: number,
    notBefore: number,
  ): Promise<{ cursor: number; sessions: { id: string; revokedAt: number }[] }> {
    return this.#readRevocations(cursor, notBefore);
  }

  async rememberLogoutJti(jti: string, expiresAt: number): Promise<boolean> {
    return this.#s.insertJti.run(jti, expiresAt).changes === 1;
  }

  async hitRateLimit(key: string, windowMs: number, now: number): Promise<RateLimitCount> {
    const row = this.#s.hit.get({ key, now, windowMs });
    if (row === undefined) throw new Error('rate limit counter not returned');
    return { count: row.hits, resetAt: row.window_start + row.window_ms };
  }

  async ping(): Promise<void> {
    this.#s.lastRevocation.get();
  }

  async sweep(now: number): Promise<void> {
    this.#db.transaction(() => {
      this.#s.sweepRateLimits.run(now);
      this.#s.sweepTx.run(now - 3_600_000);
      this.#s.sweepJti.run(now);
      // A session ends at its absolute expiry or once nobody refreshed it for the idle lifetime (neither its
      // user nor whoever may hold a copy); kept a day longer, so a late refresh is told it expired.
      this.#s.sweepSessions.run(now - 86_400_000, now - 86_400_000);
      // Read by every poller within seconds; a day is far past any lock wait or poll interval.
      this.#s.sweepRevocations.run(now - 86_400_000);
    })();
  }

  async close(): Promise<void> {
    this.#db.close();
  }
}

function grantColumns(grant: ProviderGrant | null) {
  return {
    refreshSealed: grant?.refreshTokenSealed ?? null,
    accessSealed: grant?.accessTokenSealed ?? null,
    accessExpiresAt: grant?.accessTokenExpiresAt ?? null,
  };
}

function toProviderCheck(row: ProviderCheckRow): ProviderCheck {
  return {
    grant: {
      refreshTokenSealed: row.provider_refresh_sealed,
      accessTokenSealed: row.provider_access_sealed,
      accessTokenExpiresAt: row.provider_access_expires_at,
    },
    failingSince: row.provider_failing_since,
  };
}

function toUser(row: UserRow): StoredUser {
  const user: StoredUser = { sub: row.sub };
  if (row.email !== null) user.email = row.email;
  if (row.email_verified !== null) user.email_verified = row.email_verified === 1;
  if (row.name !== null) user.name = row.name;
  const roles = row.roles === null ? undefined : parseRoles(row.roles);
  if (roles !== undefined && roles.length > 0) user.roles = roles;
  return user;
}

/** The stored JSON array of roles; a row that is not one (edited by hand) is read as no roles at all. */
function parseRoles(text: string): string[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((role) => typeof role === 'string') ? value : undefined;
  } catch {
    return undefined;
  }
}
