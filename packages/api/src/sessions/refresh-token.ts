import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** What a refresh token names: its session, and which of the session's successive tokens it is. */
export interface RefreshTokenClaims {
  sessionId: string;
  generation: number;
}

// A session id is randomToken(16) (22 base64url characters); bounded generously, and checked before any HMAC.
const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;
const GENERATION = /^(0|[1-9][0-9]{0,14})$/;
const MAC_BYTES = 32;
const MAX_TOKEN_LENGTH = 160;

/**
 * Refresh tokens as `<session id>.<generation>.<HMAC-SHA-256 of both>`: the session keeps only the generation
 * it is at, so a token of an earlier generation is known as a reused one for the session's whole life
 * (RFC 9700 4.14.2), however long ago it was rotated away, with one row per session rather than one per
 * rotation. Without the key nobody can make a token, so a forged one that names a real session is only
 * unknown: it never revokes that session. The key is derived from the API's sealing key (HKDF, its own label),
 * so no further secret has to be kept in DATA_DIR.
 *
 * @example
 * const tokens = new RefreshTokens(sealingKey);
 * const token = tokens.issue('a-session-id', 0);
 * tokens.read(token); // { sessionId: 'a-session-id', generation: 0 }
 */
export class RefreshTokens {
  readonly #key: Buffer;

  constructor(sealingKey: Uint8Array) {
    this.#key = Buffer.from(hkdfSync('sha256', sealingKey, '', 'gatehouse refresh token v1', MAC_BYTES));
  }

  /** The token for `generation` of `sessionId`. */
  issue(sessionId: string, generation: number): string {
    if (!SESSION_ID.test(sessionId) || !Number.isSafeInteger(generation) || generation < 0)
      throw new Error('invalid refresh token claims');
    return `${sessionId}.${generation}.${this.#mac(sessionId, generation).toString('base64url')}`;
  }

  /** What `token` names, if this API issued it; undefined for anything else (malformed, tampered, other key). */
  read(token: string): RefreshTokenClaims | undefined {
    if (token.length > MAX_TOKEN_LENGTH) return undefined;
    const [sessionId, generationText, macText, ...rest] = token.split('.');
    if (rest.length > 0 || sessionId === undefined || generationText === undefined || macText === undefined)
      return undefined;
    if (!SESSION_ID.test(sessionId) || !GENERATION.test(generationText)) return undefined;
    const generation = Number(generationText);
    const presented = Buffer.from(macText, 'base64url');
    // base64url decoding ignores stray characters, so the canonical form must round-trip exactly.
    if (presented.length !== MAC_BYTES || presented.toString('base64url') !== macText) return undefined;
    return timingSafeEqual(presented, this.#mac(sessionId, generation))
      ? { sessionId, generation }
      : undefined;
  }

  #mac(sessionId: string, generation: number): Buffer {
    return createHmac('sha256', this.#key).update(`${sessionId}.${generation}`).digest();
  }
}
