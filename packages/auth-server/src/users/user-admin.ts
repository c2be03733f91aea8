import { AuthServerError } from '../errors/auth-server-error.js';
import { argon2idHasher, MAX_PASSWORD_LENGTH, type PasswordHasher } from '../passwords/password-hasher.js';
import { createRecoveryCodes } from '../recovery/recovery-codes.js';
import type { AuthStore, PasskeyRecord, UserRecord } from '../store/auth-store.js';
import { isValidTotpSecret } from '../totp/totp.js';

/** Usernames: 1–64 of letters, digits, `.`, `_`, `-`, `@` (no spaces, nothing that needs escaping in a URI). */
const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;
/**
 * A role: 1–64 printable ASCII characters, no space and no comma (roles travel comma-separated in the gateway's
 * `X-Gatehouse-Roles` header, and a space or control character in a claim only invites confusion).
 */
const ROLE = /^[\x21-\x2B\x2D-\x7E]{1,64}$/;
/** Most roles one user may have: the `roles` claim stays small in every token that carries it. */
export const MAX_ROLES = 32;

/** Minimum password length (NIST SP 800-63B 3.1.1.2: at least 8 characters). */
export const MIN_PASSWORD_LENGTH = 8;

/** What {@link addUser} needs. */
export interface AddUserInput {
  readonly username: string;
  readonly email: string;
  readonly password: string;
  readonly name?: string | null;
  readonly emailVerified?: boolean;
  /** BASE32, at least 160 bits. */
  readonly totpSecret?: string | null;
  /** Released as the `roles` claim; see {@link normalizeRoles}. */
  readonly roles?: readonly string[];
}

/**
 * Checks roles and returns them without duplicates, in the order given: each 1–64 printable ASCII characters
 * without space or comma, at most {@link MAX_ROLES}. Throws `ERR_INVALID_INPUT` naming the first bad one.
 */
export function normalizeRoles(roles: readonly string[]): string[] {
  const unique = [...new Set(roles)];
  for (const role of unique) {
    if (!ROLE.test(role)) {
      throw new AuthServerError(
        'ERR_INVALID_INPUT',
        `role ${JSON.stringify(role)} must be 1-64 printable ASCII characters, without spaces or commas`,
      );
    }
  }
  if (unique.length > MAX_ROLES) {
    throw new AuthServerError('ERR_INVALID_INPUT', `a user may have at most ${MAX_ROLES} roles`);
  }
  return unique;
}

/** Checks a new password's length; throws `ERR_INVALID_INPUT`. */
export function assertPasswordAcceptable(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AuthServerError(
      'ERR_INVALID_INPUT',
      `password must be at least ${MIN_PASSWORD_LENGTH} characters`,
    );
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new AuthServerError(
      'ERR_INVALID_INPUT',
      `password must be at most ${MAX_PASSWORD_LENGTH} characters`,
    );
  }
}

/** Checks a TOTP secret; throws `ERR_INVALID_INPUT`. */
export function assertTotpSecretAcceptable(secret: string): void {
  if (!isValidTotpSecret(secret)) {
    throw new AuthServerError(
      'ERR_INVALID_INPUT',
      'TOTP secret must be BASE32 (A-Z, 2-7) of at least 160 bits',
    );
  }
}

/**
 * Validates and creates a user, hashing the password (argon2id). Throws `AuthServerError` with
 * `ERR_INVALID_INPUT` or `ERR_USER_EXISTS`.
 */
export async function addUser(
  store: AuthStore,
  input: AddUserInput,
  hasher: PasswordHasher = argon2idHasher,
): Promise<UserRecord> {
  if (!USERNAME.test(input.username)) {
    throw new AuthServerError(
      'ERR_INVALID_INPUT',
      'username must be 1-64 characters: letters, digits, ".", "_", "-", "@"',
    );
  }
  if (!/^[^\s@]+@[^\s@]+$/.test(input.email) || input.email.length > 254) {
    throw new AuthServerError('ERR_INVALID_INPUT', `"${input.email}" is not an email address`);
  }
  assertPasswordAcceptable(input.password);
  if (input.totpSecret) assertTotpSecretAcceptable(input.totpSecret);
  const roles = normalizeRoles(input.roles ?? []);
  if (await store.users.findByUsername(input.username)) {
    throw new AuthServerError('ERR_USER_EXISTS', `user "${input.username}" already exists`);
  }
  return store.users.create({
    username: input.username,
    email: input.email,
    emailVerified: input.emailVerified ?? false,
    name: input.name ?? null,
    passwordHash: await hasher.hash(input.password),
    totpSecret: input.totpSecret ?? null,
    roles,
  });
}

/**
 * Replaces a user's password and ends every session, grant and token of the account, at this server and, by
 * back-channel logout, at every client that registered a back-channel logout URI (OWASP Session Management: a
 * password change must sign out whoever signed in with the old one; docs/security.md 49). Throws
 * `ERR_USER_NOT_FOUND` or `ERR_INVALID_INPUT`.
 */
export async function setUserPassword(
  store: AuthStore,
  username: string,
  password: string,
  hasher: PasswordHasher = argon2idHasher,
): Promise<void> {
  assertPasswordAcceptable(password);
  const user = await store.users.findByUsername(username);
  if (!user || !(await store.users.setPasswordHash(username, await hasher.hash(password)))) {
    throw new AuthServerError('ERR_USER_NOT_FOUND', `no user "${username}"`);
  }
}

/** Removes a user and ends every session of the account, here and at the clients. False when there is no such user. */
export async function removeUser(store: AuthStore, username: string): Promise<boolean> {
  return store.users.remove(username);
}

/**
 * Sets a new TOTP secret (or removes the second factor with `null`) and ends every session of the account, here
 * and at the clients: whoever signed in before the change, with whatever factor they held, signs in again.
 * Throws `ERR_USER_NOT_FOUND` or `ERR_INVALID_INPUT`.
 */
export async function setUserTotpSecret(
  store: AuthStore,
  username: string,
  secret: string | null,
): Promise<void> {
  if (secret !== null) assertTotpSecretAcceptable(secret);
  const user = await store.users.findByUsername(username);
  if (!user || !(await store.authenticators.setTotpSecret(user.id, secret))) {
    throw new AuthServerError('ERR_USER_NOT_FOUND', `no user "${username}"`);
  }
}

/**
 * Disables a user (no sign-in; every session of the account ended, here and at the clients) or enables it
 * again. Throws `ERR_USER_NOT_FOUND`.
 */
export async function setUserDisabled(store: AuthStore, username: string, disabled: boolean): Promise<void> {
  if (!(await store.users.setDisabled(username, disabled))) {
    throw new AuthServerError('ERR_USER_NOT_FOUND', `no user "${username}"`);
  }
}

/**
 * Adds and removes roles of a user (removals after additions) and resolves to the roles it has then. Its sessions
 * go on: applications see the change in the next ID token or userinfo answer. Throws `ERR_USER_NOT_FOUND` or
 * `ERR_INVALID_INPUT`.
 */
export async function changeUserRoles(
  store: AuthStore,
  username: string,
  change: { readonly add?: readonly string[]; readonly remove?: readonly string[] },
): Promise<readonly string[]> {
  const user = await store.users.findByUsername(username);
  if (!user) throw new AuthServerError('ERR_USER_NOT_FOUND', `no user "${username}"`);
  const removed = new Set(change.remove ?? []);
  const roles = normalizeRoles([...user.roles, ...normalizeRoles(change.add ?? [])]).filter(
    (role) => !removed.has(role),
  );
  if (!(await store.users.setRoles(username, roles))) {
    throw new AuthServerError('ERR_USER_NOT_FOUND', `no user "${username}"`);
  }
  return roles;
}

/** A user's passkeys, for `gatehouse users passkeys`. Throws `ERR_USER_NOT_FOUND`. */
export async function listUserPasskeys(store: AuthStore, username: string): Promise<PasskeyRecord[]> {
  const user = await store.users.findByUsername(username);
  if (!user) throw new AuthServerError('ERR_USER_NOT_FOUND', `no user "${username}"`);
  return store.authenticators.listPasskeys(user.id);
}

/**
 * Removes one of a user's passkeys (a lost device): from then on it signs in nowhere. Sessions go on. Throws
 * `ERR_USER_NOT_FOUND` for a missing user or a passkey the user does not have.
 */
export async function removeUserPasskey(store: AuthStore, username: string, id: string): Promise<void> {
  const user = await store.users.findByUsername(username);
  if (!user) throw new AuthServerError('ERR_USER_NOT_FOUND', `no user "${username}"`);
  if (!(await store.authenticators.removePasskey(user.id, id))) {
    throw new AuthServerError('ERR_USER_NOT_FOUND', `${username} has no passkey "${id}"`);
  }
}

/**
 * Makes a new set of recovery codes for a user (voiding the old ones) and returns them, for an operator to hand
 * over: the only time they exist in clear. Throws `ERR_USER_NOT_FOUND`.
 */
export async function createUserRecoveryCodes(store: AuthStore, username: string): Promise<string[]> {
  const user = await store.users.findByUsername(username);
  if (!user) throw new AuthServerError('ERR_USER_NOT_FOUND', `no user "${username}"`);
  return createRecoveryCodes(store, user.id, Math.floor(Date.now() / 1000));
}
