import type { User } from '@gatehouse/contract';

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
  /** Where the sign-in came from (the client address, as the rate limit reads it), for `gatehouse sessions list`. */
  address?: string | null;
  /**
   * The provider's tokens kept to ask it again (OIDC_SESSION_CHECK_INTERVAL), each sealed; absent or null when
   * the check is off. Never leave the API.
   */
  providerGrant?: ProviderGrant | null;
  /** When the provider was last asked about this session (epoch ms; its creation at first). */
  providerCheckedAt?: number;
  /** The browser's `User-Agent` at sign-in, control characters removed and truncated (see `printableText`). */
  userAgent?: string | null;
}

/** The provider's tokens of a session, sealed by the API (AES-GCM, bound to the session id) before they get here. */
export interface ProviderGrant {
  refreshTokenSealed: string | null;
  accessTokenSealed: string | null;
  /** When the provider's access token expires (epoch ms); null when it did not say. */
  accessTokenExpiresAt: number | null;
}

/** What a claimed provider check starts from: the tokens to ask with, and since when the provider was unreachable. */
export interface ProviderCheck {
  grant: ProviderGrant;
  failingSince: number | null;
}

/** A live session as an operator sees it (`gatehouse sessions list`): never a token, never a sealed value. */
export interface SessionSummary {
  id: string;
  sub: string;
  /** The user's email and name as the provider last gave them, when it did. */
  email: string | null;
  name: string | null;
  createdAt: number;
  /** The last refresh (a refresh writes anyway; a bearer request does not), else the sign-in. */
  lastUsedAt: number;
  address: string | null;
  userAgent: string | null;
  /** The earlier of the idle and the absolute expiry. */
  expiresAt: number;
}

/** Which live sessions an operator means: one by id, or every one of a user (by `sub`, or email, any case). */
export type SessionMatch = { id: string } | { user: string };

/** Outcome of presenting a refresh token. */
export type RefreshResult =
  | { status: 'ok'; session: ApiSession; generation: number; user: StoredUser | undefined }
  | { status: 'reused'; sessionId: string }
  | { status: 'expired' | 'revoked' | 'not_found' };

/** Users and their sessions, with refresh rotation: shared by every process of the API. */
export interface SessionStore {
  upsertUser(user: StoredUser, now: number): Promise<void>;

  /** Stores a new session at refresh generation 0, idle until `idleExpiresAt` (epoch ms). */
  createSession(session: ApiSession, idleExpiresAt: number): Promise<void>;
  /**
   * Rotation as a compare-and-set, atomic across processes: the session's current `generation` moves on to the
   * next one (returned with `ok`) and its idle expiry to `idleExpiresAt`; of two presentations of one generation
   * only one moves it. An earlier generation revokes the session (`reused`, RFC 9700 4.14.2), except the one just
   * rotated away when presented again within `graceMs` of that rotation, before its successor was used: then the
   * same successor is returned (`ok`, not moved on), so a refresh whose answer was lost can be retried.
   */
  rotateRefreshToken(
    sessionId: string,
    generation: number,
    now: number,
    idleExpiresAt: number,
    graceMs?: number,
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
  /**
   * The live sessions (neither revoked nor expired at `now`), newest first, at most `limit`, of one user when
   * `user` is given (matched as in {@link SessionMatch}).
   */
  listSessions(query: { user?: string; limit: number }, now: number): Promise<SessionSummary[]>;
  /**
   * Revokes the live sessions `match` names (an operator's `gatehouse sessions revoke`), through the revocation
   * feed like every revocation; returns their ids (none: nothing live matched).
   */
  revokeSessions(match: SessionMatch, reason: string, now: number): Promise<string[]>;
  /**
   * Claims the provider check of a live session whose last check was at or before `dueAt`, stamping it `now`: a
   * compare-and-set, so of the processes refreshing one session at once only one asks the provider (a provider
   * that rotates refresh tokens would call a second use reuse). `undefined`: not due, or claimed by another.
   */
  claimProviderCheck(sessionId: string, dueAt: number, now: number): Promise<ProviderCheck | undefined>;
  /**
   * What the claimed check found: the provider vouched (its tokens, rotated where it rotated them, and no
   * failure), or could not be reached (since when, kept from the first failed check).
   */
  recordProviderCheck(
    sessionId: string,
    outcome: { grant: ProviderGrant; failingSince: null } | { failingSince: number },
  ): Promise<void>;
  /** Revokes every live session of a provider `sid` or `sub` (back-channel logout); returns their ids. */
  revokeProviderSessions(match: { providerSid?: string; sub?: string }, now: number): Promise<string[]>;
}
