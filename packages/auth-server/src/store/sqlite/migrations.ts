import type { Migration } from '@gatehouse/common';

/** Schema of the auth server's SQLite file, one step per release; never edit a step once shipped. */
export const MIGRATIONS: readonly Migration[] = [
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    email_verified INTEGER NOT NULL DEFAULT 0,
    name TEXT,
    password_hash TEXT NOT NULL,
    totp_secret_sealed TEXT,
    totp_last_step INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE clients (
    client_id TEXT PRIMARY KEY,
    secret_sealed TEXT,
    redirect_uris TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL,
    backchannel_logout_uri TEXT,
    auth_method TEXT NOT NULL,
    jwks_uri TEXT,
    first_party INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    alg TEXT NOT NULL,
    private_jwk_sealed TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    retired_at INTEGER
  );
  CREATE TABLE secrets (
    name TEXT PRIMARY KEY,
    value_sealed TEXT NOT NULL
  );
  CREATE TABLE throttle (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL,
    expires_at INTEGER
  );
  CREATE TABLE oidc_models (
    model TEXT NOT NULL,
    id TEXT NOT NULL,
    payload TEXT NOT NULL,
    grant_id TEXT,
    uid TEXT,
    user_code TEXT,
    expires_at INTEGER,
    consumed_at INTEGER,
    PRIMARY KEY (model, id)
  );
  CREATE INDEX oidc_models_grant_id ON oidc_models (model, grant_id) WHERE grant_id IS NOT NULL;
  CREATE INDEX oidc_models_uid ON oidc_models (model, uid) WHERE uid IS NOT NULL;
  CREATE INDEX oidc_models_user_code ON oidc_models (model, user_code) WHERE user_code IS NOT NULL;
  CREATE INDEX oidc_models_expires_at ON oidc_models (expires_at) WHERE expires_at IS NOT NULL;
  `,
  // Consecutive wrong second-factor codes per account (docs/security.md 31/32, NIST SP 800-63B 5.2.2). Apart from
  // the throttle table on purpose: these rows are never swept or reset by time, only by a correct code, an
  // admin's new password or TOTP secret, or the user's removal.
  `
  CREATE TABLE second_factor_failures (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    failures INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL
  );
  `,
  // The name a sign-in page shows ("to continue to Gatehouse demo"), OIDC Registration's client_name.
  'ALTER TABLE clients ADD COLUMN name TEXT;',
  // Back-channel logouts owed to clients for sessions an administrator (or a lock) ended, written in the same
  // transaction that deletes the sessions, delivered by the running server (docs/security.md 49).
  `
  CREATE TABLE backchannel_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id TEXT NOT NULL,
    sub TEXT NOT NULL,
    sid TEXT NOT NULL,
    reason TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX backchannel_outbox_due ON backchannel_outbox (next_attempt_at);
  `,
  // `gatehouse users disable|enable`: a disabled account cannot sign in and has no session.
  'ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;',
  // `gatehouse users add --role`, `users roles`: released as the `roles` claim (a JSON array of strings).
  "ALTER TABLE users ADD COLUMN roles TEXT NOT NULL DEFAULT '[]';",
  // Issue 14: a user's authenticators in tables of their own, no longer columns of the user row. The TOTP secret
  // moves as sealed (its seal is bound to the user id, which does not change); passkeys and recovery codes are
  // new. Challenges: WebAuthn challenges, single use, minutes long, keyed by the interaction or /account session.
  `
  CREATE TABLE totp_authenticators (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_sealed TEXT NOT NULL,
    last_step INTEGER,
    created_at INTEGER NOT NULL
  );
  INSERT INTO totp_authenticators (user_id, secret_sealed, last_step, created_at)
    SELECT id, totp_secret_sealed, totp_last_step, created_at FROM users WHERE totp_secret_sealed IS NOT NULL;
  ALTER TABLE users DROP COLUMN totp_secret_sealed;
  ALTER TABLE users DROP COLUMN totp_last_step;
  CREATE TABLE passkeys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    public_key BLOB NOT NULL,
    counter INTEGER NOT NULL,
    transports TEXT NOT NULL,
    backup_eligible INTEGER NOT NULL,
    backed_up INTEGER NOT NULL,
    aaguid TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
  );
  CREATE INDEX passkeys_user_id ON passkeys (user_id);
  CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    hash TEXT NOT NULL,
    used_at INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX recovery_codes_user_id ON recovery_codes (user_id);
  CREATE TABLE challenges (
    key TEXT PRIMARY KEY,
    challenge TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  `,
  // Issue 13: attempts in flight kept in the store (shared by every process, docs/security.md 32), and grants
  // revoked after a replayed code or refresh token, so tokens a concurrent request still writes under the grant
  // are never found (docs/security.md 41). A Grant row names its own grant, so revoking a grant ends it too.
  `
  CREATE TABLE in_flight (
    holder TEXT NOT NULL,
    key TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (holder, key)
  );
  CREATE INDEX in_flight_key ON in_flight (key);
  CREATE TABLE revoked_grants (
    grant_id TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
  );
  UPDATE oidc_models SET grant_id = id WHERE model = 'Grant' AND grant_id IS NULL;
  `,
];
