import type { User } from '@gatehouse/contract';

/** A pending login (steps 1–2 → 7), keyed by the hash of its state. */
export interface LoginTransaction {
  stateHash: string;
  /** sha256 of the browser-binding secret held in the transaction cookie. */
  bindingHash: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string;
  /** Which flow started it: the SPA's XHR flow or the simple server-side flow (different redirect URIs). */
  flow: 'spa' | 'simple';
  /**
   * base64url SHA-256 of the login verifier the SPA keeps in `sessionStorage` (docs/security.md 51); null for the
   * simple flow, which has no page script to keep one.
   */
  loginChallenge: string | null;
  createdAt: number;
  expiresAt: number;
}

/** Result of consuming a login transaction: single use, decided atomically by the store. */
export type ConsumeResult =
  | { status: 'ok'; transaction: LoginTransaction }
  | { status: 'used' | 'not_found' };

/**
 * A user as the API knows it (from the ID token and userinfo): the contract's `User`, `roles` included (those
 * the provider asserted at the last sign-in, bounded; absent when it asserted none).
 */
export type StoredUser = User;

/** An API session: one sign-in, many rotated refresh tokens, one `sid` in every access token. */
export interface ApiSession {
  id: string;
  sub: string;
  providerSid: string | null;
  /** The provider's ID token, sealed (AES-GCM), kept only for `id_token_hint` at logout. */
  idTokenSealed: string | null;
  /** The scopes the provider granted at sign-in (space-separated, bounded), carried by every access token. */
  scope: string | null;
  createdAt: number;
  absoluteExpiresAt: number;
  revokedAt: number | null;
}

/** Outcome of presenting a refresh token. */
export type RefreshResult =
  | { status: 'ok'; session: ApiSession; generation: number; user: StoredUser | undefined }
  | { status: 'reused'; sessionId: string }
  | { status: 'expired' | 'revoked' | 'not_found' };

/**
 * Everything the API persists, behind a small async interface so that a PostgreSQL implementation can replace
 * the SQLite one without touching the routes.
 */
export interface ApiStore {
  createLoginTransaction(tx: LoginTransaction): Promise<void>;
  /** Marks the transaction used and returns it, atomically: a second call for the same state gets `used`. */
  consumeLoginTransaction(stateHash: string, now: number): Promise<ConsumeResult>;

  upsertUser(user: StoredUser, now: number): Promise<void>;

  /** Stores a new session at refresh generation 0, idle until `idleExpiresAt` (epoch ms). */
  createSession(session: ApiSession, idleExpiresAt: number): Promise<void>;
  /**
   * Rotation, atomically: the session's current `generation` moves on to the next one (returned with `ok`) and
   * its idle expiry to `idleExpiresAt`; an earlier generation revokes the session (`reused`, RFC 9700 4.14.2).
   */
  rotateRefreshToken(
    sessionId: string,
    generation: number,
    now: number,
    idleExpiresAt: number,
  ): Promise<RefreshResult>;
  /**
   * The session a refresh token names, without rotating it; `spent` when its generation was already rotated
   * away (logout with a spent token still ends the session: RFC 9700 4.14.2, a copy may have been used).
   */
  findSessionByRefresh(
    sessionId: string,
    generation: number,
  ): Promise<{ session: ApiSession; spent: boolean } | undefined>;
  revokeSession(sessionId: string, reason: string, now: number): Promise<void>;
  /** Revokes every live session of a provider `sid` or `sub` (back-channel logout); returns their ids. */
  revokeProviderSessions(match: { providerSid?: string; sub?: string }, now: number): Promise<string[]>;
  /**
   * Sessions revoked after `cursor`, in commit order (0: every revocation still kept), among those stamped at or
   * after `notBefore` (epoch ms), and the cursor to pass next time. A cursor, not a time: a revocation carries
   * the revoker's clock, which may be seconds older than its commit (a write waiting for the lock), so a poll by
   * time could pass it by for good.
   */
  revocationsAfter(
    cursor: number,
    notBefore: number,
  ): Promise<{ cursor: number; sessions: { id: string; revokedAt: number }[] }>;
  /** Records a back-channel logout `jti`; false when it was seen before (replay). */
  rememberLogoutJti(jti: string, expiresAt: number): Promise<boolean>;

  /** Deletes expired rows (transactions, logout jtis, ended sessions, old revocations). */
  sweep(now: number): Promise<void>;
  close(): Promise<void>;
}
