import {
  checkGatehouseSecret,
  type GatehouseSecret,
  type Logger,
  migratePostgres,
  openPostgres,
  type PostgresPool,
  SealedBox,
} from '@gatehouse/common';
import type { ApiKeyStore } from '../api-key-store.js';
import type { ApiStore } from '../api-store.js';
import type { ConsumeResult, LoginTransaction } from '../login-transaction-store.js';
import type { RateLimitCount } from '../rate-limit-store.js';
import type { RevocationListener, RevokedSession } from '../revocation-feed.js';
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
import { API_POSTGRES_MIGRATIONS } from './api-postgres-migrations.js';
import { PostgresApiKeyStore } from './postgres-api-key-store.js';
import { listenForRevocations } from './revocation-listener.js';

/**
 * How far back each read of the revocation feed looks before its cursor (the database clock at the previous
 * read). A revocation is stamped by the database clock inside its statement and becomes visible at its commit,
 * later; every revoking statement is a single autocommitted one, bounded by `statement_timeout` (5 s), so 15 s
 * covers the gap with room to spare. Reads are idempotent: a revocation read twice is set twice.
 */
export const REVOCATION_OVERLAP_MS = 15_000;

/** What {@link PostgresApiStore.open} needs. */
export interface PostgresApiStoreOptions {
  url: string;
  secret: GatehouseSecret;
  logger: Logger;
  /** Pool size (default 10). */
  maxConnections?: number;
  /** Time to get a connection (default 5 s): how long a request waits while the database is unreachable. */
  connectTimeoutMs?: number;
  /** Longest a statement may run (default 5 s). */
  statementTimeoutMs?: number;
}

interface UserColumns {
  user_sub: string | null;
  email: string | null;
  email_verified: boolean | null;
  name: string | null;
  roles: unknown;
}

const SESSION_COLUMNS = `s.id, s.sub, s.provider_sid, s.id_token_sealed, s.scope, s.created_at, s.absolute_expires_at,
  s.idle_expires_at, s.refresh_generation, s.refresh_rotated_at, s.revoked_at, s.provider_checked_at`;
const USER_COLUMNS = 'u.sub AS user_sub, u.email, u.email_verified, u.name, u.roles';
/** A live session at `$1`: not revoked, before both expiries. */
const LIVE = 's.revoked_at IS NULL AND s.idle_expires_at > $1 AND s.absolute_expires_at > $1';
/** The sessions of the user `$2`: its `sub`, or its email in any case. */
const OF_USER = '(s.sub = $2 OR s.sub IN (SELECT sub FROM api_users WHERE lower(email) = lower($2)))';
const SUMMARY_SELECT = `SELECT s.id, s.sub, u.email, u.name, s.created_at,
    GREATEST(s.created_at, s.refresh_rotated_at) AS last_used_at, s.client_address, s.user_agent,
    LEAST(s.idle_expires_at, s.absolute_expires_at) AS expires_at
  FROM api_sessions s LEFT JOIN api_users u ON u.sub = s.sub`;

/**
 * {@link ApiStore} on PostgreSQL (`DATABASE_URL`), shared by any number of API processes. What SQLite's single
 * writer gave for free is explicit here: single use and rotation are compare-and-sets whose row count decides
 * (never a read then a write), revocations reach every process by LISTEN/NOTIFY and a resync by the database
 * clock with an overlap (never "after the last sequence number"), and every secret is sealed with a key derived
 * from `GATEHOUSE_SECRET` (the PKCE verifier of a pending login, the API's keys; the provider's ID token is
 * sealed by the API before it gets here). One SQL text per statement, PostgreSQL's own, in this folder.
 */
export class PostgresApiStore implements ApiStore {
  readonly keys: ApiKeyStore;
  readonly #pool: PostgresPool;
  readonly #options: PostgresApiStoreOptions;
  readonly #box: SealedBox;

  private constructor(pool: PostgresPool, options: PostgresApiStoreOptions) {
    this.#pool = pool;
    this.#options = options;
    this.keys = new PostgresApiKeyStore(pool, options.secret.deriveKey('api-keys'));
    this.#box = new SealedBox(options.secret.deriveKey('api-login-transactions'));
  }

  /**
   * Opens the pool, brings the `api` tables to this version (under the migrations' advisory lock) and checks
   * `GATEHOUSE_SECRET` against the database's verifier: a wrong one is a ConfigError, before any key is read.
   */
  static async open(options: PostgresApiStoreOptions): Promise<PostgresApiStore> {
    const pool = openPostgres(options.url, {
      applicationName: 'gatehouse-api',
      logger: options.logger,
      ...(options.maxConnections === undefined ? {} : { max: options.maxConnections }),
      ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
      ...(options.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: options.statementTimeoutMs }),
    });
    try {
      await migratePostgres(pool, 'api', API_POSTGRES_MIGRATIONS);
      await checkGatehouseSecret(pool, options.secret);
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    return new PostgresApiStore(pool, options);
  }

  async createLoginTransaction(tx: LoginTransaction): Promise<void> {
    await this.#pool.query({
      name: 'api-login-create',
      text: `INSERT INTO api_login_transactions (state_hash, binding_hash, nonce, code_verifier_sealed, return_to, flow,
         login_challenge, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      values: [
        tx.stateHash,
        tx.bindingHash,
        tx.nonce,
        this.#box.seal(tx.codeVerifier, `code_verifier:${tx.stateHash}`),
        tx.returnTo,
        tx.flow,
        tx.loginChallenge,
        tx.createdAt,
        tx.expiresAt,
      ],
    });
  }

  async consumeLoginTransaction(stateHash: string, now: number): Promise<ConsumeResult> {
    // The row count decides: of two callbacks with one state, on any processes, one UPDATE matches.
    const { rows } = await this.#pool.query<{
      state_hash: string;
      binding_hash: string;
      nonce: string;
      code_verifier_sealed: string;
      return_to: string;
      flow: string;
      login_challenge: string | null;
      created_at: number;
      expires_at: number;
    }>({
      name: 'api-login-consume',
      text: `UPDATE api_login_transactions SET used_at = $1 WHERE state_hash = $2 AND used_at IS NULL
       RETURNING state_hash, binding_hash, nonce, code_verifier_sealed, return_to, flow, login_challenge, created_at,
         expires_at`,
      values: [now, stateHash],
    });
    const row = rows[0];
    if (row === undefined) {
      const found = await this.#pool.query('SELECT 1 FROM api_login_transactions WHERE state_hash = $1', [
        stateHash,
      ]);
      return { status: found.rowCount === 0 ? 'not_found' : 'used' };
    }
    return {
      status: 'ok',
      transaction: {
        stateHash: row.state_hash,
        bindingHash: row.binding_hash,
        nonce: row.nonce,
        codeVerifier: this.#box.open(row.code_verifier_sealed, `code_verifier:${row.state_hash}`),
        returnTo: row.return_to,
        flow: row.flow === 'simple' ? 'simple' : 'spa',
        loginChallenge: row.login_challenge,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      },
    };
  }

  async upsertUser(user: StoredUser, now: number): Promise<void> {
    await this.#pool.query({
      name: 'api-user-upsert',
      text: `INSERT INTO api_users (sub, email, email_verified, name, roles, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (sub) DO UPDATE SET email = excluded.email, email_verified = excluded.email_verified,
         name = excluded.name, roles = excluded.roles, updated_at = excluded.updated_at`,
      values: [
        user.sub,
        user.email ?? null,
        user.email_verified ?? null,
        user.name ?? null,
        user.roles === undefined || user.roles.length === 0 ? null : JSON.stringify(user.roles),
        now,
      ],
    });
  }

  async createSession(session: ApiSession, idleExpiresAt: number): Promise<void> {
    await this.#pool.query({
      name: 'api-session-create',
      text: `INSERT INTO api_sessions (id, sub, provider_sid, id_token_sealed, scope, created_at, absolute_expires_at,
         idle_expires_at, client_address, user_agent, provider_refresh_sealed, provider_access_sealed,
         provider_access_expires_at, provider_checked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      values: [
        session.id,
        session.sub,
        session.providerSid,
        session.idTokenSealed,
        session.scope,
        session.createdAt,
        session.absoluteExpiresAt,
        Math.min(idleExpiresAt, session.absoluteExpiresAt),
        session.address ?? null,
        session.userAgent ?? null,
        session.providerGrant?.refreshTokenSealed ?? null,
        session.providerGrant?.accessTokenSealed ?? null,
        session.providerGrant?.accessTokenExpiresAt ?? null,
        session.providerCheckedAt ?? session.createdAt,
      ],
    });
  }

  async claimProviderCheck(
    sessionId: string,
    dueAt: number,
    now: number,
  ): Promise<ProviderCheck | undefined> {
    // The row count decides: of two processes claiming one due check, READ COMMITTED re-reads the row the first
    // one stamped and the second's WHERE no longer matches.
    const { rows } = await this.#pool.query<{
      provider_refresh_sealed: string | null;
      provider_access_sealed: string | null;
      provider_access_expires_at: number | null;
      provider_failing_since: number | null;
    }>(
      `UPDATE api_sessions s SET provider_checked_at = $1
       WHERE s.id = $2 AND s.provider_checked_at <= $3 AND ${LIVE}
       RETURNING provider_refresh_sealed, provider_access_sealed, provider_access_expires_at, provider_failing_since`,
      [now, sessionId, dueAt],
    );
    const row = rows[0];
    if (row === undefined) return undefined;
    return {
      grant: {
        refreshTokenSealed: row.provider_refresh_sealed,
        accessTokenSealed: row.provider_access_sealed,
        accessTokenExpiresAt: row.provider_access_expires_at,
      },
      failingSince: row.provider_failing_since,
    };
  }

  async recordProviderCheck(
    sessionId: string,
    outcome: { grant: ProviderGrant; failingSince: null } | { failingSince: number },
  ): Promise<void> {
    if (outcome.failingSince === null) {
      await this.#pool.query(
        `UPDATE api_sessions SET provider_refresh_sealed = $2, provider_access_sealed = $3,
           provider_access_expires_at = $4, provider_failing_since = NULL
         WHERE id = $1`,
        [
          sessionId,
          outcome.grant.refreshTokenSealed,
          outcome.grant.accessTokenSealed,
          outcome.grant.accessTokenExpiresAt,
        ],
      );
    } else {
      await this.#pool.query('UPDATE api_sessions SET provider_failing_since = $2 WHERE id = $1', [
        sessionId,
        outcome.failingSince,
      ]);
    }
  }

  async listSessions(query: { user?: string; limit: number }, now: number): Promise<SessionSummary[]> {
    const { rows } =
      query.user === undefined
        ? await this.#pool.query<SummaryRow>(
            `${SUMMARY_SELECT} WHERE ${LIVE} ORDER BY s.created_at DESC, s.id LIMIT $2`,
            [now, query.limit],
          )
        : await this.#pool.query<SummaryRow>(
            `${SUMMARY_SELECT} WHERE ${LIVE} AND ${OF_USER} ORDER BY s.created_at DESC, s.id LIMIT $3`,
            [now, query.user, query.limit],
          );
    return rows.map(toSummary);
  }

  async revokeSessions(match: SessionMatch, reason: string, now: number): Promise<string[]> {
    // One statement: the trigger feeds every process's revocation set (NOTIFY and the resync) at its commit.
    const { rows } =
      'id' in match
        ? await this.#pool.query<{ id: string }>(
            `UPDATE api_sessions s SET revoked_at = $1, revoked_reason = $3 WHERE s.id = $2 AND ${LIVE} RETURNING s.id`,
            [now, match.id, reason],
          )
        : await this.#pool.query<{ id: string }>(
            `UPDATE api_sessions s SET revoked_at = $1, revoked_reason = $3 WHERE ${OF_USER} AND ${LIVE}
             RETURNING s.id`,
            [now, match.user, reason],
          );
    return rows.map((row) => row.id);
  }

  async rotateRefreshToken(
    sessionId: string,
    generation: number,
    now: number,
    idleExpiresAt: number,
    graceMs = 0,
  ): Promise<RefreshResult> {
    // The compare-and-set: only the statement whose WHERE still matches moves the generation (READ COMMITTED
    // re-checks it on the row another transaction just updated), and only it issues the successor.
    const moved = await this.#pool.query<SessionRow & UserColumns>({
      name: 'api-session-rotate',
      text: `WITH moved AS (
         UPDATE api_sessions
         SET refresh_generation = refresh_generation + 1, idle_expires_at = LEAST($3, absolute_expires_at),
           refresh_rotated_at = $4
         WHERE id = $1 AND refresh_generation = $2 AND revoked_at IS NULL AND idle_expires_at > $4
           AND absolute_expires_at > $4
         RETURNING *
       )
       SELECT ${SESSION_COLUMNS}, ${USER_COLUMNS} FROM moved s LEFT JOIN api_users u ON u.sub = s.sub`,
      values: [sessionId, generation, idleExpiresAt, now],
    });
    const row = moved.rows[0];
    if (moved.rowCount === 1 && row !== undefined) {
      return { status: 'ok', session: toSession(row), generation: generation + 1, user: toUser(row) };
    }
    const { rows } = await this.#pool.query<SessionRow & UserColumns>(
      `SELECT ${SESSION_COLUMNS}, ${USER_COLUMNS} FROM api_sessions s LEFT JOIN api_users u ON u.sub = s.sub
       WHERE s.id = $1`,
      [sessionId],
    );
    const session = rows[0];
    if (session === undefined) return { status: 'not_found' };
    const live =
      session.revoked_at === null && session.idle_expires_at > now && session.absolute_expires_at > now;
    if (live && withinGrace(session, generation, now, graceMs)) {
      // docs/security.md 38: the token just rotated away, again within the grace, its successor still unused (a
      // lost answer retried, or the loser of two concurrent refreshes): the same successor, not a new one.
      return {
        status: 'ok',
        session: toSession(session),
        generation: session.refresh_generation,
        user: toUser(session),
      };
    }
    if (generation < session.refresh_generation) {
      // RFC 9700 4.14.2: presented after it was rotated away, so it leaked: the whole session ends.
      await this.revokeSession(session.id, 'refresh_token_reused', now);
      return { status: 'reused', sessionId: session.id };
    }
    if (generation > session.refresh_generation) return { status: 'not_found' };
    if (session.revoked_at !== null) return { status: 'revoked' };
    return { status: 'expired' };
  }

  async findSessionByRefresh(
    sessionId: string,
    generation: number,
  ): Promise<{ session: ApiSession; spent: boolean } | undefined> {
    const { rows } = await this.#pool.query<SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM api_sessions s WHERE s.id = $1`,
      [sessionId],
    );
    const row = rows[0];
    if (row === undefined || generation > row.refresh_generation) return undefined;
    return { session: toSession(row), spent: generation < row.refresh_generation };
  }

  async revokeSession(sessionId: string, reason: string, now: number): Promise<void> {
    await this.#pool.query(
      'UPDATE api_sessions SET revoked_at = $1, revoked_reason = $2 WHERE id = $3 AND revoked_at IS NULL',
      [now, reason, sessionId],
    );
  }

  async revokeProviderSessions(
    match: { providerSid?: string; sub?: string },
    now: number,
  ): Promise<string[]> {
    if (match.providerSid === undefined && match.sub === undefined) return [];
    const { rows } = await this.#pool.query<{ id: string }>(
      `UPDATE api_sessions SET revoked_at = $1, revoked_reason = 'backchannel_logout'
       WHERE revoked_at IS NULL AND ($2::text IS NULL OR provider_sid = $2) AND ($3::text IS NULL OR sub = $3)
       RETURNING id`,
      [now, match.providerSid ?? null, match.sub ?? null],
    );
    return rows.map((row) => row.id);
  }

  async revocationsAfter(
    cursor: number,
    notBefore: number,
  ): Promise<{ cursor: number; sessions: RevokedSession[] }> {
    // The clock is read in the statement, after its snapshot: a revocation stamped before it but committed after
    // the snapshot is read next time, the overlap reaching back past its stamp.
    const { rows } = await this.#pool.query<{
      now_ms: number;
      session_id: string | null;
      revoked_at: number | null;
    }>(
      `WITH clock AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS now_ms)
       SELECT clock.now_ms, r.session_id, r.revoked_at FROM clock
       LEFT JOIN api_session_revocations r ON r.recorded_at >= $1 AND r.revoked_at >= $2`,
      [cursor === 0 ? 0 : cursor - REVOCATION_OVERLAP_MS, notBefore],
    );
    const sessions: RevokedSession[] = [];
    for (const row of rows) {
      if (row.session_id !== null && row.revoked_at !== null) {
        sessions.push({ id: row.session_id, revokedAt: row.revoked_at });
      }
    }
    return { cursor: rows[0]?.now_ms ?? cursor, sessions };
  }

  watchRevocations(listener: RevocationListener): () => Promise<void> {
    return listenForRevocations(
      {
        url: this.#options.url,
        logger: this.#options.logger,
        connectTimeoutMs: this.#options.connectTimeoutMs ?? 5000,
      },
      listener,
    );
  }

  async rememberLogoutJti(jti: string, expiresAt: number): Promise<boolean> {
    const result = await this.#pool.query(
      'INSERT INTO api_logout_jtis (jti, expires_at) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING',
      [jti, expiresAt],
    );
    return result.rowCount === 1;
  }

  async hitRateLimit(key: string, windowMs: number, now: number): Promise<RateLimitCount> {
    // One statement: the row lock of ON CONFLICT DO UPDATE counts concurrent hits from every process.
    const { rows } = await this.#pool.query<{ window_start: number; window_ms: number; hits: number }>({
      name: 'api-rate-limit-hit',
      text: `INSERT INTO api_rate_limits AS r (key, window_start, window_ms, hits) VALUES ($1, $2, $3, 1)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.window_start + r.window_ms <= $2 THEN 1 ELSE r.hits + 1 END,
         window_start = CASE WHEN r.window_start + r.window_ms <= $2 THEN $2 ELSE r.window_start END,
         window_ms = CASE WHEN r.window_start + r.window_ms <= $2 THEN $3 ELSE r.window_ms END
       RETURNING window_start, window_ms, hits`,
      values: [key, now, windowMs],
    });
    const row = rows[0];
    if (row === undefined) throw new Error('rate limit counter not returned');
    return { count: row.hits, resetAt: row.window_start + row.window_ms };
  }

  async ping(): Promise<void> {
    await this.#pool.query('SELECT 1');
  }

  async sweep(now: number): Promise<void> {
    const dayAgo = now - 86_400_000;
    await this.#pool.query('DELETE FROM api_login_transactions WHERE expires_at < $1', [now - 3_600_000]);
    await this.#pool.query('DELETE FROM api_logout_jtis WHERE expires_at < $1', [now]);
    await this.#pool.query(
      'DELETE FROM api_sessions WHERE absolute_expires_at < $1 OR idle_expires_at < $1',
      [dayAgo],
    );
    await this.#pool.query('DELETE FROM api_session_revocations WHERE revoked_at < $1', [dayAgo]);
    await this.#pool.query('DELETE FROM api_rate_limits WHERE window_start + window_ms < $1', [now]);
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}

function toUser(row: UserColumns): StoredUser | undefined {
  if (row.user_sub === null) return undefined;
  const user: StoredUser = { sub: row.user_sub };
  if (row.email !== null) user.email = row.email;
  if (row.email_verified !== null) user.email_verified = row.email_verified;
  if (row.name !== null) user.name = row.name;
  const roles = row.roles;
  if (Array.isArray(roles) && roles.length > 0 && roles.every((role) => typeof role === 'string')) {
    user.roles = roles;
  }
  return user;
}
