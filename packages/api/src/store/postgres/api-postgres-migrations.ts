import type { PostgresMigration } from '@gatehouse/common';

/** The channel of revocation notices (LISTEN/NOTIFY): `<session id> <revoked_at>`. */
export const REVOCATION_CHANNEL = 'gatehouse_api_revocations';

/**
 * The API's tables on PostgreSQL (component `api` of `gatehouse_schema`), one step per release: append only,
 * never edit a step once released. Every table is prefixed `api_`: the auth server and the demo share the
 * database. Times are epoch milliseconds (bigint) as on SQLite, except `recorded_at`: the database's own clock,
 * which every process reads alike.
 */
export const API_POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  `CREATE TABLE api_login_transactions (
     state_hash text PRIMARY KEY,
     binding_hash text NOT NULL,
     nonce text NOT NULL,
     code_verifier_sealed text NOT NULL,
     return_to text NOT NULL,
     flow text NOT NULL CHECK (flow IN ('spa', 'simple')),
     login_challenge text,
     created_at bigint NOT NULL,
     expires_at bigint NOT NULL,
     used_at bigint
   );
   CREATE INDEX api_login_transactions_expiry ON api_login_transactions (expires_at);
   CREATE TABLE api_users (
     sub text PRIMARY KEY,
     email text,
     email_verified boolean,
     name text,
     roles jsonb,
     updated_at bigint NOT NULL
   );
   CREATE TABLE api_sessions (
     id text PRIMARY KEY,
     sub text NOT NULL,
     provider_sid text,
     id_token_sealed text,
     scope text,
     created_at bigint NOT NULL,
     absolute_expires_at bigint NOT NULL,
     idle_expires_at bigint NOT NULL,
     refresh_generation bigint NOT NULL DEFAULT 0,
     refresh_rotated_at bigint NOT NULL DEFAULT 0,
     revoked_at bigint,
     revoked_reason text
   );
   CREATE INDEX api_sessions_provider_sid ON api_sessions (provider_sid);
   CREATE INDEX api_sessions_sub ON api_sessions (sub);
   CREATE INDEX api_sessions_expiry ON api_sessions (absolute_expires_at);
   CREATE INDEX api_sessions_idle_expiry ON api_sessions (idle_expires_at);
   -- Read by every process's resync: by the database clock at insert, with an overlap (see revocationsAfter),
   -- never by a sequence: sequence numbers are not committed in order, so "after the last one seen" can skip one.
   CREATE TABLE api_session_revocations (
     session_id text NOT NULL,
     revoked_at bigint NOT NULL,
     recorded_at bigint NOT NULL DEFAULT (extract(epoch FROM clock_timestamp()) * 1000)::bigint
   );
   CREATE INDEX api_session_revocations_recorded_at ON api_session_revocations (recorded_at);
   -- In the revoking statement itself: the row and the notice are committed with the revocation, or not at all.
   CREATE FUNCTION api_session_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     INSERT INTO api_session_revocations (session_id, revoked_at) VALUES (NEW.id, NEW.revoked_at);
     PERFORM pg_notify('${REVOCATION_CHANNEL}', NEW.id || ' ' || NEW.revoked_at);
     RETURN NEW;
   END
   $$;
   CREATE TRIGGER api_sessions_revoked AFTER UPDATE OF revoked_at ON api_sessions
     FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
     EXECUTE FUNCTION api_session_revoked();
   CREATE TABLE api_logout_jtis (
     jti text PRIMARY KEY,
     expires_at bigint NOT NULL
   );
   CREATE TABLE api_rate_limits (
     key text PRIMARY KEY,
     window_start bigint NOT NULL,
     window_ms bigint NOT NULL,
     hits integer NOT NULL
   );
   CREATE INDEX api_rate_limits_window ON api_rate_limits (window_start);
   -- The API's keys, each sealed (AES-256-GCM) with a key derived from GATEHOUSE_SECRET (docs/security.md 40).
   CREATE TABLE api_keys (
     name text PRIMARY KEY,
     sealed text NOT NULL,
     version bigint NOT NULL DEFAULT 1,
     updated_at bigint NOT NULL
   );`,
  // 2: where a session signed in from, for `gatehouse sessions list` (the last use is refresh_rotated_at, which
  // each refresh writes anyway). Sessions from before show neither.
  `ALTER TABLE api_sessions ADD COLUMN client_address text;
   ALTER TABLE api_sessions ADD COLUMN user_agent text;
   CREATE INDEX api_users_email ON api_users (lower(email));`,
  // 3: the provider's tokens (sealed by the API) and the state of its session check (OIDC_SESSION_CHECK_INTERVAL).
  // Sessions from before have none and a check due at once: with the check on they end at their next refresh.
  `ALTER TABLE api_sessions ADD COLUMN provider_refresh_sealed text;
   ALTER TABLE api_sessions ADD COLUMN provider_access_sealed text;
   ALTER TABLE api_sessions ADD COLUMN provider_access_expires_at bigint;
   ALTER TABLE api_sessions ADD COLUMN provider_checked_at bigint NOT NULL DEFAULT 0;
   ALTER TABLE api_sessions ADD COLUMN provider_failing_since bigint;`,
];
