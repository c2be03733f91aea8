import type { SigningAlgorithm } from '../keys/signing-algorithms.js';

/** A person who can sign in. Their authenticators (TOTP, passkeys, recovery codes) are in {@link AuthenticatorStore}. */
export interface UserRecord {
  /** Stable subject identifier (`sub`): random, never reused, not the username. */
  readonly id: string;
  readonly username: string;
  readonly email: string;
  readonly emailVerified: boolean;
  readonly name: string | null;
  /** PHC string (argon2id). */
  readonly passwordHash: string;
  /** Disabled by an administrator: cannot sign in, and every token and session of it is refused. */
  readonly disabled: boolean;
  /** What the account may do in applications, released as the `roles` claim to clients granted the `roles` scope. */
  readonly roles: readonly string[];
  /** Epoch seconds. */
  readonly createdAt: number;
}

/** What {@link UserStore.create} needs. */
export interface NewUser {
  readonly username: string;
  readonly email: string;
  readonly emailVerified?: boolean;
  readonly name?: string | null;
  readonly passwordHash: string;
  /** A TOTP secret (BASE32) to enrol with the user, in the same transaction. */
  readonly totpSecret?: string | null;
  readonly roles?: readonly string[];
}

/**
 * Why an account's sessions were ended at the auth server; written with each back-channel logout notice and
 * logged with its delivery.
 */
export type AccountEndReason =
  | 'password_changed'
  | 'totp_changed'
  | 'user_removed'
  | 'user_disabled'
  | 'second_factor_locked';

/**
 * Users, with their password hash. Every method that ends the account's sessions (`remove`, `setPasswordHash`,
 * disabling, and {@link AuthenticatorStore.setTotpSecret}) does it in the same transaction as the change, as
 * {@link OidcModelStore.revokeByAccountId} does: the change and the end of the sessions (with their
 * back-channel logout notices) happen together or not at all.
 */
export interface UserStore {
  /** Fails with `ERR_USER_EXISTS` when the username is taken. */
  create(user: NewUser): Promise<UserRecord>;
  findByUsername(username: string): Promise<UserRecord | undefined>;
  findById(id: string): Promise<UserRecord | undefined>;
  list(): Promise<UserRecord[]>;
  count(): Promise<number>;
  /** Removes the user and ends every session of the account. Resolves to false when there is no such user. */
  remove(username: string): Promise<boolean>;
  /**
   * Sets the password hash, ends every session of the account and clears its second-factor failures
   * ({@link ThrottleStore.recordSecondFactorFailure}).
   */
  setPasswordHash(username: string, passwordHash: string): Promise<boolean>;
  /** Disables (ending every session of the account) or enables the user. False when there is no such user. */
  setDisabled(username: string, disabled: boolean): Promise<boolean>;
  /**
   * Replaces the user's roles (already validated, deduplicated). Sessions go on: clients see the new roles in
   * the next ID token or userinfo answer. False when there is no such user.
   */
  setRoles(username: string, roles: readonly string[]): Promise<boolean>;
}

/** A passkey (a WebAuthn credential) of a user. Times in epoch seconds. */
export interface PasskeyRecord {
  /** The credential id, base64url. */
  readonly id: string;
  readonly userId: string;
  /** The COSE public key the authenticator gave at registration. */
  readonly publicKey: Uint8Array;
  /** The signature counter last seen (0 for authenticators that keep none). */
  readonly counter: number;
  /** Transports the authenticator said it uses (`internal`, `hybrid`, `usb`…), handed back to browsers as hints. */
  readonly transports: readonly string[];
  /** May be synced to other devices (a multi-device passkey): its key is software-held (amr `swk`, not `hwk`). */
  readonly backupEligible: boolean;
  readonly backedUp: boolean;
  /** The authenticator model (all zeros with `none` attestation from most platforms). */
  readonly aaguid: string;
  /** The name the user gave it ("Laptop"). */
  readonly name: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

/** What {@link AuthenticatorStore.addPasskey} writes. */
export type NewPasskey = Omit<PasskeyRecord, 'createdAt' | 'lastUsedAt'>;

/** One unused recovery code: its row id and its hash (never the code). */
export interface RecoveryCodeHash {
  readonly id: number;
  readonly hash: string;
}

/** Which authenticators an account has, without opening any secret. */
export interface AuthenticatorSummary {
  readonly totp: boolean;
  readonly passkeys: number;
  /** Unused recovery codes. */
  readonly recoveryCodes: number;
}

/**
 * A user's authenticators: the TOTP secret (sealed at rest), passkeys, recovery codes (hashed). Rows go with
 * their user (removing a user removes them). Times in epoch seconds.
 */
export interface AuthenticatorStore {
  summary(userId: string): Promise<AuthenticatorSummary>;
  /** The TOTP secret (BASE32), opened; null when the account has none. */
  totpSecret(userId: string): Promise<string | null>;
  /**
   * Sets or clears the TOTP secret and ends every session of the account (with their back-channel logout
   * notices), in one transaction; either way the replay marker starts over and the account's second-factor
   * failures are cleared (this and a new password are how an administrator lifts a second-factor lock). False
   * when there is no such user.
   */
  setTotpSecret(userId: string, secret: string | null): Promise<boolean>;
  /**
   * Records `step` as the last accepted TOTP time step, atomically and only if it is later than the stored
   * one, so each code is accepted once (RFC 6238 5.2). Resolves to false for a replayed or older step.
   */
  acceptTotpStep(userId: string, step: number): Promise<boolean>;
  /** Adds a passkey. Fails with `ERR_INVALID_INPUT` when its credential id is registered already. */
  addPasskey(passkey: NewPasskey, now: number): Promise<PasskeyRecord>;
  findPasskey(id: string): Promise<PasskeyRecord | undefined>;
  /** The user's passkeys, oldest first. */
  listPasskeys(userId: string): Promise<PasskeyRecord[]>;
  /** Renames one of the user's passkeys; false when the user has no passkey `id`. */
  renamePasskey(userId: string, id: string, name: string): Promise<boolean>;
  /** Removes one of the user's passkeys; false when the user has no passkey `id`. */
  removePasskey(userId: string, id: string): Promise<boolean>;
  /**
   * Records a sign-in with passkey `id`: its new counter, backup state and time, atomically and only while its
   * stored counter is still `previousCounter` and `counter` is greater (or both are 0, an authenticator
   * without a counter): two assertions with one counter value cannot both pass. False otherwise.
   */
  recordPasskeyUse(
    id: string,
    previousCounter: number,
    counter: number,
    backedUp: boolean,
    now: number,
  ): Promise<boolean>;
  /** Replaces every recovery code of the user (used or not) with new ones, given hashed. */
  replaceRecoveryCodes(userId: string, hashes: readonly string[], now: number): Promise<void>;
  unusedRecoveryCodes(userId: string): Promise<RecoveryCodeHash[]>;
  /** Marks recovery code `id` of the user used, atomically: true once, false ever after. */
  useRecoveryCode(userId: string, id: number, now: number): Promise<boolean>;
}

/**
 * WebAuthn challenges, each kept server-side under a key that names what it was issued to (an interaction, an
 * `/account` session), single use and short-lived. Times in epoch seconds.
 */
export interface ChallengeStore {
  /** Stores `challenge` under `key` until `expiresAt`, replacing any challenge already there. */
  put(key: string, challenge: string, expiresAt: number): Promise<void>;
  /** Removes the challenge under `key` and resolves to it, unless it has expired by `now` (then undefined). */
  take(key: string, now: number): Promise<string | undefined>;
  /** Drops challenges expired at `now`. */
  sweep(now: number): Promise<void>;
}

/** Client authentication methods a registered client may use at the token endpoint. */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';

/** A registered relying party. `secret` is opened (sealed at rest). */
export interface ClientRecord {
  readonly clientId: string;
  /** The name people see ("to continue to …", OIDC Registration `client_name`); null shows the client id. */
  readonly name: string | null;
  readonly secret: string | null;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
  readonly backchannelLogoutUri: string | null;
  readonly authMethod: ClientAuthMethod;
  readonly jwksUri: string | null;
  /** A first-party client (the API) skips the consent page. */
  readonly firstParty: boolean;
  readonly createdAt: number;
}

/** What {@link ClientStore.put} writes: a client without its `createdAt`, the display name optional. */
export type ClientInput = Omit<ClientRecord, 'createdAt' | 'name'> & { readonly name?: string | null };

/** Registered clients. */
export interface ClientStore {
  /** Creates or replaces a client (keeps its `createdAt`). */
  put(client: ClientInput): Promise<ClientRecord>;
  find(clientId: string): Promise<ClientRecord | undefined>;
  list(): Promise<ClientRecord[]>;
  remove(clientId: string): Promise<boolean>;
}

/** A signing key pair; `privateJwk` is opened (sealed at rest). */
export interface SigningKeyRecord {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly privateJwk: Readonly<Record<string, unknown>>;
  /** Epoch seconds. */
  readonly createdAt: number;
  /** When a newer key replaced it (epoch seconds); null for the active key. */
  readonly retiredAt: number | null;
}

/** The provider's signing keys, newest first. */
export interface SigningKeyStore {
  /** Every key, newest first. */
  list(): Promise<SigningKeyRecord[]>;
  /** The kid of every stored key, without opening the private keys: what a running server polls for changes. */
  kids(): Promise<string[]>;
  /** Adds `key` and marks every older active key of the same algorithm retired at `key.createdAt`. */
  addActive(key: Omit<SigningKeyRecord, 'retiredAt'>): Promise<void>;
  /**
   * Adds `key` as the active key of its algorithm only if that algorithm has none, atomically: processes
   * starting together on an empty store make one key per algorithm, not one each. True when it was added.
   */
  addFirst(key: Omit<SigningKeyRecord, 'retiredAt'>): Promise<boolean>;
  remove(kid: string): Promise<boolean>;
}

/** Named secrets the server generates once (cookie signing keys). */
export interface SecretStore {
  /** Returns the stored value, creating it with `create()` the first time (first writer wins). */
  getOrCreate(name: string, create: () => string): Promise<string>;
}

/** One throttling counter. Times in epoch seconds. */
export interface ThrottleRecord {
  readonly key: string;
  readonly failures: number;
  readonly lastFailureAt: number;
}

/** What {@link ThrottleStore.readThrottle} reads. */
export interface ThrottleQuery {
  readonly inFlight: readonly string[];
  readonly holder: string;
  readonly counters: readonly string[];
  readonly marker?: string;
}

/** What {@link ThrottleStore.readThrottle} found, in the order of its query. */
export interface ThrottleReading {
  readonly inFlight: number[];
  readonly counters: (ThrottleRecord | undefined)[];
  readonly marked: boolean;
}

/** Counters of failed sign-ins, durable so that a restart does not reset them. */
export interface ThrottleStore {
  get(key: string): Promise<ThrottleRecord | undefined>;
  /** Adds one failure; a counter idle longer than `resetAfter` seconds starts again from one. */
  recordFailure(key: string, now: number, resetAfter: number): Promise<ThrottleRecord>;
  clear(key: string): Promise<void>;
  /** Stores a marker (e.g. a known account+address pair) valid until `expiresAt`. */
  mark(key: string, expiresAt: number): Promise<void>;
  isMarked(key: string, now: number): Promise<boolean>;
  /**
   * A rate limit's counter: takes one of `limit` requests on `key` in a fixed window of `windowSeconds` (it
   * starts with the first request after the previous window ended), or refuses when all are taken. `count` is
   * how many are taken (this one included when allowed); `resetAt` when the window ends. Durable and shared by
   * every process on the store; a refusal commits no change, so a flood costs no disk.
   */
  takeFromWindow(
    key: string,
    now: number,
    windowSeconds: number,
    limit: number,
  ): Promise<{ allowed: boolean; count: number; resetAt: number }>;
  /**
   * Reserves one attempt under way on each of `keys` for `holder` (a random id) until `expiresAt`, and resolves
   * to how many other live reservations each key has, in the order of `keys`. Reservations are shared by every
   * process on the store, so attempts sent at once to two processes count each other (docs/security.md 32); one
   * left by a process that died ends at `expiresAt`. Of two attempts reserving at once, at least the later one
   * counts the other (stricter, never missed).
   */
  holdInFlight(holder: string, keys: readonly string[], now: number, expiresAt: number): Promise<number[]>;
  /** How many live reservations each of `keys` has, in the order of `keys`. */
  countInFlight(keys: readonly string[], now: number): Promise<number[]>;
  /**
   * {@link ThrottleStore.holdInFlight}'s reservation alone, counting nothing: for a caller that counts with
   * {@link ThrottleStore.readThrottle} next (after this resolves, so that it sees what this committed).
   */
  takeInFlight(holder: string, keys: readonly string[], expiresAt: number): Promise<void>;
  /**
   * Everything one sign-in decision reads, in one read (one statement on PostgreSQL, where each statement is a
   * round trip): the live reservations of `inFlight` other than `holder`'s ('' counts them all), the counters
   * under `counters`, and whether `marker` is marked at `now`; counts and counters in the order asked.
   */
  readThrottle(query: ThrottleQuery, now: number): Promise<ThrottleReading>;
  /** Clears the counters under `clear` and, given `mark`, stores that marker: one write (a success). */
  settle(clear: readonly string[], mark?: { key: string; expiresAt: number }): Promise<void>;
  /** Ends every reservation of `holder`. */
  releaseInFlight(holder: string): Promise<void>;
  /**
   * Drops counters idle since before `idleSince`, and markers and in-flight reservations expired at `now` (not
   * second-factor failures).
   */
  sweep(now: number, idleSince: number): Promise<void>;
  /** The account's consecutive wrong second-factor codes (`key` is the user id), if any. */
  secondFactorFailures(userId: string): Promise<ThrottleRecord | undefined>;
  /** Adds one wrong code. Never reset by time: only {@link ThrottleStore.clearSecondFactorFailures} resets it. */
  recordSecondFactorFailure(userId: string, now: number): Promise<ThrottleRecord>;
  clearSecondFactorFailures(userId: string): Promise<void>;
}

/** The oidc-provider model payloads (sessions, grants, codes, tokens, interactions…), opaque JSON here. */
export interface OidcModelStore {
  upsert(
    model: string,
    id: string,
    payload: Readonly<Record<string, unknown>>,
    expiresAt: number | null,
  ): Promise<void>;
  find(model: string, id: string, now: number): Promise<Record<string, unknown> | undefined>;
  findByUid(model: string, uid: string, now: number): Promise<Record<string, unknown> | undefined>;
  findByUserCode(model: string, userCode: string, now: number): Promise<Record<string, unknown> | undefined>;
  /**
   * Marks the row consumed at `now`, atomically: true for the one call that consumed it, false when it was
   * consumed already (or is gone). Two token requests with one authorization code (or refresh token) on two
   * processes: exactly one gets true, the other is a replay (docs/security.md 41).
   */
  consume(model: string, id: string, now: number): Promise<boolean>;
  destroy(model: string, id: string): Promise<void>;
  /** Deletes the model's rows issued under `grantId` (oidc-provider calls it once per model). */
  revokeByGrantId(model: string, grantId: string): Promise<void>;
  /**
   * Ends grant `grantId` (a replayed code or refresh token): deletes every row issued under it, the Grant
   * included, and from then on (until every such row would have expired) finds none written under it later, so
   * tokens that a request still in progress issues from the grant are dead on arrival.
   */
  revokeGrant(grantId: string, now: number): Promise<void>;
  /** Deletes every expired row (and expired grant revocations); returns how many model rows. */
  sweepExpired(now: number): Promise<number>;
  /**
   * Ends account `accountId` at this server: deletes every row that belongs to it (its sessions, grants, codes
   * and tokens, and interactions it is signing in with), and, in the same transaction, queues a back-channel
   * logout notice in {@link BackchannelOutbox} for every session and every client of that session that
   * registered a back-channel logout URI, so that the clients end their own sessions too. Returns how many rows
   * were deleted.
   */
  revokeByAccountId(accountId: string, reason: AccountEndReason, now: number): Promise<number>;
}

/** One back-channel logout owed to client `clientId`: end its session `sid` of user `sub`. Times in epoch seconds. */
export interface BackchannelNotice {
  readonly id: number;
  readonly clientId: string;
  readonly sub: string;
  readonly sid: string;
  readonly reason: AccountEndReason;
  /** Deliveries tried so far. */
  readonly attempts: number;
  readonly createdAt: number;
}

/**
 * Back-channel logouts to deliver (OpenID Connect Back-Channel Logout 1.0), written where sessions are ended
 * (possibly by the CLI, in another process) and delivered by the running server.
 */
export interface BackchannelOutbox {
  /**
   * Claims up to `limit` notices due at `now`, oldest first, and leases them until `now + leaseSeconds`: another
   * process (or a slow delivery) does not take them meanwhile.
   */
  claimDue(now: number, leaseSeconds: number, limit: number): Promise<BackchannelNotice[]>;
  /** Removes a notice: delivered, or given up on. */
  remove(id: number): Promise<void>;
  /** Records a failed attempt: `attempts` tried so far, the next one not before `nextAttemptAt`. */
  retryAt(id: number, attempts: number, nextAttemptAt: number): Promise<void>;
  /** How many notices wait. */
  pending(): Promise<number>;
}

/**
 * Everything the auth server keeps, behind small async interfaces: SQLite in DATA_DIR ({@link openAuthStore}, the
 * embedded default) and PostgreSQL with DATABASE_URL (`openPostgresAuthStore`), chosen in one place
 * (`openConfiguredAuthStore`); one conformance suite per interface runs against both (store/conformance/).
 */
export interface AuthStore {
  readonly users: UserStore;
  readonly authenticators: AuthenticatorStore;
  readonly challenges: ChallengeStore;
  readonly clients: ClientStore;
  readonly keys: SigningKeyStore;
  readonly secrets: SecretStore;
  readonly throttle: ThrottleStore;
  readonly models: OidcModelStore;
  readonly outbox: BackchannelOutbox;
  close(): Promise<void>;
}
