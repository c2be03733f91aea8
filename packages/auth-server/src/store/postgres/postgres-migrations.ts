import type { PostgresMigration } from '@gatehouse/common';

/**
 * Schema of the auth server's tables in PostgreSQL (component `auth-server` in `gatehouse_schema`), one step per
 * release; never edit a step once shipped. Every table is prefixed `auth_`: the API's tables share the database.
 * Secrets are sealed (`*_sealed`, keys derived from GATEHOUSE_SECRET); the provider's models are looked up by a
 * keyed hash of their id (a token, a code, a session cookie's value), never the id itself, and their payloads
 * are sealed: a dump holds nothing a person could sign in with (docs/security.md 40).
 */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  `
  CREATE TABLE auth_users (
    id text PRIMARY KEY,
    username text NOT NULL UNIQUE,
    email text NOT NULL,
    email_verified boolean NOT NULL DEFAULT false,
    name text,
    password_hash text NOT NULL,
    disabled boolean NOT NULL DEFAULT false,
    roles jsonb NOT NULL DEFAULT '[]',
    created_at bigint NOT NULL
  );
  CREATE TABLE auth_totp (
    user_id text PRIMARY KEY REFERENCES auth_users (id) ON DELETE CASCADE,
    secret_sealed text NOT NULL,
    last_step bigint,
    created_at bigint NOT NULL
  );
  CREATE TABLE auth_passkeys (
    seq bigserial UNIQUE,
    id text PRIMARY KEY,
    user_id text NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
    public_key bytea NOT NULL,
    counter bigint NOT NULL,
    transports jsonb NOT NULL,
    backup_eligible boolean NOT NULL,
    backed_up boolean NOT NULL,
    aaguid text NOT NULL,
    name text NOT NULL,
    created_at bigint NOT NULL,
    last_used_at bigint
  );
  CREATE INDEX auth_passkeys_user_id ON auth_passkeys (user_id);
  CREATE TABLE auth_recovery_codes (
    id bigserial PRIMARY KEY,
    user_id text NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
    hash text NOT NULL,
    used_at bigint,
    created_at bigint NOT NULL
  );
  CREATE INDEX auth_recovery_codes_user_id ON auth_recovery_codes (user_id);
  CREATE TABLE auth_challenges (
    key text PRIMARY KEY,
    challenge text NOT NULL,
    expires_at bigint NOT NULL
  );
  CREATE TABLE auth_clients (
    client_id text PRIMARY KEY,
    name text,
    secret_sealed text,
    redirect_uris jsonb NOT NULL,
    post_logout_redirect_uris jsonb NOT NULL,
    backchannel_logout_uri text,
    auth_method text NOT NULL,
    jwks_uri text,
    first_party boolean NOT NULL DEFAULT false,
    created_at bigint NOT NULL
  );
  CREATE TABLE auth_signing_keys (
    seq bigserial UNIQUE,
    kid text PRIMARY KEY,
    alg text NOT NULL,
    private_jwk_sealed text NOT NULL,
    created_at bigint NOT NULL,
    retired_at bigint
  );
  CREATE UNIQUE INDEX auth_signing_keys_one_active ON auth_signing_keys (alg) WHERE retired_at IS NULL;
  CREATE TABLE auth_secrets (
    name text PRIMARY KEY,
    value_sealed text NOT NULL
  );
  CREATE TABLE auth_throttle (
    key text PRIMARY KEY,
    failures integer NOT NULL,
    last_failure_at bigint NOT NULL,
    expires_at bigint
  );
  CREATE TABLE auth_second_factor_failures (
    user_id text PRIMARY KEY REFERENCES auth_users (id) ON DELETE CASCADE,
    failures integer NOT NULL,
    last_failure_at bigint NOT NULL
  );
  CREATE TABLE auth_in_flight (
    holder text NOT NULL,
    key text NOT NULL,
    expires_at bigint NOT NULL,
    PRIMARY KEY (holder, key)
  );
  CREATE INDEX auth_in_flight_key ON auth_in_flight (key);
  CREATE TABLE auth_oidc_models (
    model text NOT NULL,
    id_hash text NOT NULL,
    payload_sealed text NOT NULL,
    grant_id text,
    uid_hash text,
    user_code_hash text,
    account_id text,
    expires_at bigint,
    consumed_at bigint,
    PRIMARY KEY (model, id_hash)
  );
  CREATE INDEX auth_oidc_models_grant_id ON auth_oidc_models (grant_id) WHERE grant_id IS NOT NULL;
  CREATE INDEX auth_oidc_models_uid ON auth_oidc_models (model, uid_hash) WHERE uid_hash IS NOT NULL;
  CREATE INDEX auth_oidc_models_user_code ON auth_oidc_models (model, user_code_hash) WHERE user_code_hash IS NOT NULL;
  CREATE INDEX auth_oidc_models_account_id ON auth_oidc_models (account_id) WHERE account_id IS NOT NULL;
  CREATE INDEX auth_oidc_models_expires_at ON auth_oidc_models (expires_at) WHERE expires_at IS NOT NULL;
  CREATE TABLE auth_revoked_grants (
    grant_id text PRIMARY KEY,
    expires_at bigint NOT NULL
  );
  CREATE TABLE auth_backchannel_outbox (
    id bigserial PRIMARY KEY,
    client_id text NOT NULL,
    sub text NOT NULL,
    sid text NOT NULL,
    reason text NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at bigint NOT NULL,
    created_at bigint NOT NULL
  );
  CREATE INDEX auth_backchannel_outbox_due ON auth_backchannel_outbox (next_attempt_at);
  `,
];
